-- A focused answer is easier to review and trust; a very long one for a small request
-- usually means padding, duplication or a misunderstanding.
return {
  name = "sane_length",
  weight = 0.25,
  task_types = { "code_generation", "test_generation" },
  check = function(ctx)
    local code = ctx.code
    if not code:find("%S") then return 0.0, "no code" end
    -- Plain find (no pattern) keeps this fast on long answers.
    local lines, long_lines, pos = 0, 0, 1
    while true do
      local newline = code:find("\n", pos, true)
      local finish = newline or (#code + 1)
      lines = lines + 1
      if finish - pos > 120 then long_lines = long_lines + 1 end
      -- Past 500 lines the verdict is settled; counting on would only spend the budget.
      if not newline or lines > 500 then break end
      pos = newline + 1
    end
    local score, reason = 1.0, lines .. " lines"
    if lines > 500 then
      score, reason = 0.0, lines .. " lines: far too long for one answer"
    elseif lines > 200 then
      score, reason = 1.0 - 0.7 * (lines - 200) / 300, lines .. " lines: longer than needed"
    end
    if long_lines * 5 > lines then
      score, reason = score * 0.7, reason .. "; many lines over 120 characters"
    end
    return score, reason
  end,
}
