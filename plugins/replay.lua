-- How a candidate prompt is tried before it serves any traffic: candidate and active prompt
-- answer the same recent inputs through the worker and evaluator, and the verdict compares them.
return {
  -- Distinct recent inputs that failed on the active version, and that passed (any version).
  replay_failing = 5,
  replay_passing = 5,

  -- candidate, active: prompt_id, samples, passed, avg_score, errors, failing_inputs_passed,
  -- passing_inputs_passed. Returns wins, reason.
  replay_verdict = function(candidate, active, task_type)
    if candidate.samples == 0 then
      return false, "nothing to replay"
    end
    if candidate.passed > active.passed then
      return true, string.format("candidate passed %d of %d, active %d", candidate.passed, candidate.samples, active.passed)
    end
    if candidate.passed == active.passed and candidate.avg_score > active.avg_score + 0.05 then
      return true, string.format("same passes (%d), average score %.2f vs %.2f",
        candidate.passed, candidate.avg_score, active.avg_score)
    end
    return false, string.format("candidate passed %d (avg %.2f), active %d (avg %.2f)",
      candidate.passed, candidate.avg_score, active.passed, active.avg_score)
  end,
}
