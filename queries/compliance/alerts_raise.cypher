// Stores $alerts (maps of what changed for whom) numbered on from the alert counter, which is
// write-locked until the transaction ends: alerts are numbered in commit order, so a reader that
// has seen number n has seen every alert before it.
// params: $alerts, $at
// returns: alert
MERGE (counter:RelgraphCounter {name: 'exposure_alerts'})
ON CREATE SET counter.value = 0
SET counter.value = counter.value + size($alerts)
WITH counter.value - size($alerts) AS before
UNWIND range(0, size($alerts) - 1) AS i
CREATE (a:ExposureAlert)
SET a = $alerts[i], a.seq = before + i + 1, a.id = 'EA-' + toString(before + i + 1),
    a.status = 'OPEN', a.raised_at = datetime($at)
RETURN a {.*, raised_at: toString(a.raised_at)} AS alert
ORDER BY a.seq
