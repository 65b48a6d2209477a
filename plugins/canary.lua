-- How a candidate that won its replay is tried on live traffic.
return {
  -- The share of requests the worker sends to a running canary (chosen by request id).
  -- 0 activates a winning candidate at once, without a canary.
  canary_share = 0.2,

  -- Scored requests the canary must have served before it can be promoted or rolled back.
  min_samples = 8,

  -- canary, active: prompt_id, version, samples, evaluated, passed, failed, errors, pass_rate,
  -- avg_score (nil when nothing scored), counted since the canary started; canary.age_minutes
  -- is how long it has been the canary. Returns "promote", "wait" or "rollback", and a reason.
  decide_canary = function(canary, active, min_samples, task_type)
    if canary.evaluated < min_samples then
      -- A canary that gets no traffic never proves itself: make room for the next attempt.
      if canary.age_minutes >= 24 * 60 then
        return "rollback", string.format("canary got only %d of %d scored samples in %.0f minutes",
          canary.evaluated, min_samples, canary.age_minutes)
      end
      return "wait", string.format("canary has %d of %d scored samples", canary.evaluated, min_samples)
    end
    -- With no active samples to compare against, judge the canary on its own pass rate.
    local baseline = active.evaluated > 0 and active.pass_rate or 0.5
    if canary.pass_rate >= baseline then
      return "promote", string.format("canary pass rate %.2f >= active %.2f over %d samples",
        canary.pass_rate, baseline, canary.evaluated)
    end
    return "rollback", string.format("canary pass rate %.2f < active %.2f over %d samples",
      canary.pass_rate, baseline, canary.evaluated)
  end,
}
