// The funnel's counts of referrals {{r}}: one group per route and stage, with the days from
// creation to the win of each won referral (graph/referrals.py's funnel reads them).
// args: r
// params: none
WITH {{r}}.route AS route, {{r}}.stage AS stage, count(*) AS n,
     collect(CASE WHEN {{r}}.won_on IS NOT NULL
                  THEN duration.inDays({{r}}.created_on, {{r}}.won_on).days END) AS days_to_win
RETURN collect({route: route, stage: stage, n: n, days_to_win: days_to_win}) AS groups
