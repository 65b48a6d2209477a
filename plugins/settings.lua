-- How the optimizer runs. Edit while selfheal runs: the change is live within a second.
-- Every knob here may also be a function(task_type) returning the number.
return {
  -- How long one optimizer pass may hold a task type before another pod may take it over
  -- (a pod that dies mid-pass loses it after this long).
  lease_seconds = 600,
  -- The most execution logs one pass reads per window (newest first).
  log_limit = 500,
  -- The most failing logs (newest first) that go to `diagnose` and become a candidate's evidence.
  evidence_limit = 20,
}
