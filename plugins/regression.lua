-- When the active version is worse than the one it replaced, the optimizer rolls it back.
return {
  -- The predecessor's record is read from logs of the last N minutes.
  regression_window_minutes = 24 * 60,

  -- active: the active version since it became active; predecessor: the version a roll-back
  -- would restore, over the regression window. Fields as for decide_canary.
  -- Returns regressed, reason.
  regressed = function(active, predecessor, task_type)
    local needed = 5
    if active.evaluated < needed or predecessor.evaluated < needed then
      return false, string.format("too few samples to compare (active %d, predecessor %d, need %d)",
        active.evaluated, predecessor.evaluated, needed)
    end
    local drop = predecessor.pass_rate - active.pass_rate
    if drop >= 0.25 then
      return true, string.format("pass rate fell from %.2f (version %d) to %.2f (version %d)",
        predecessor.pass_rate, predecessor.version, active.pass_rate, active.version)
    end
    return false, string.format("pass rate %.2f vs predecessor %.2f", active.pass_rate, predecessor.pass_rate)
  end,
}
