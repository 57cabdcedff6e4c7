// Stores a page of computed segments beside the loaded ones, and a SegmentChange in each
// customer's history when the computed segment, tier or need type is new or differs.
// scope-free: written by the segmentation job, never for an API caller.
// params: $rows, $run_id, $as_of, $version
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c.computed_segment = row.segment, c.computed_value_tier = row.value_tier,
    c.computed_need_type = row.need_type, c.computed_segment_on = $as_of,
    c.computed_segment_version = $version, c.segment_frequency = row.frequency,
    c.segment_value_score = row.value_score, c.segment_potential_score = row.potential_score
WITH c, row WHERE row.changed
CREATE (c)-[:SEGMENT_CHANGE]->(:SegmentChange {
  customer_id: c.id, run_id: $run_id, on: $as_of, at: datetime(), version: $version,
  segment: row.segment, value_tier: row.value_tier, need_type: row.need_type,
  previous_segment: row.previous_segment, previous_value_tier: row.previous_value_tier,
  previous_need_type: row.previous_need_type, dropped: row.dropped,
  frequency: row.frequency, value_score: row.value_score, potential_score: row.potential_score
})
