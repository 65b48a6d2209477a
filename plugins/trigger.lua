-- When the optimizer tries to rewrite the active prompt of a task type.
return {
  -- The failures counted by `trigger` are those of the active version in the last N minutes.
  window_minutes = 30,

  -- After a rewrite attempt (canary started, activated, rejected) or a promotion or roll-back,
  -- the optimizer does not try another rewrite for this long.
  cooldown_minutes = 15,

  -- window: task_type, window_minutes, prompt_id, version, samples, evaluated, passed, failed,
  -- errors, pass_rate, avg_score (nil when nothing was scored). Returns fires, reason.
  trigger = function(window, task_type)
    if window.failed >= 3 then
      return true, string.format("%d failures in %g minutes on version %d (threshold 3)",
        window.failed, window.window_minutes, window.version)
    end
    return false, string.format("%d failures in %g minutes on version %d, below 3",
      window.failed, window.window_minutes, window.version)
  end,
}
