// What each party is interested in: counts of browse, comment and share per content topic.
// params: $ids
// returns: party_id, topic, browse, comment, share
UNWIND $ids AS id
MATCH (party:Party {id: id})-[:INTERACTED]->(i:Interaction)
WITH party.id AS party_id, i.topic AS topic,
  count(CASE WHEN i.kind = 'BROWSE' THEN 1 END) AS browse,
  count(CASE WHEN i.kind = 'COMMENT' THEN 1 END) AS comment,
  count(CASE WHEN i.kind = 'SHARE' THEN 1 END) AS share
RETURN party_id, topic, browse, comment, share
ORDER BY party_id, share * 3 + comment * 2 + browse DESC, topic
