"""Cross-sell (交叉销售): the rules (rules.py), the statistics the refresh job counts and answers
read per scope (stats.py), and the recommender (recommend.py)."""
