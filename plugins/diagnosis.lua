-- How failing logs become the list of problems the rewrite must fix.
local function add(problems, seen, text)
  if text and text ~= "" and not seen[text] then
    seen[text] = true
    problems[#problems + 1] = text
  end
end

return {
  -- failures: a list, newest first, of { log_id, input, final_score, verdict, judge_feedback,
  -- test_error, error, rules = { { name, score, reason, required }, ... } } where `rules` holds
  -- only the rules that scored below 1. Returns a list of problem strings (duplicates dropped).
  diagnose = function(failures, task_type)
    local problems, seen = {}, {}
    for _, failure in ipairs(failures) do
      for _, rule in ipairs(failure.rules) do
        add(problems, seen, rule.name .. ": " .. rule.reason)
      end
      if failure.judge_feedback then
        -- The judge joins separate complaints with "; ": each is its own problem.
        for part in string.gmatch(failure.judge_feedback, "[^;]+") do
          -- Trimmed with anchored finds: `%s+$` alone would retry at every position.
          local first = part:find("%S")
          if first then
            local last = #part
            while part:byte(last) <= 32 do last = last - 1 end
            add(problems, seen, part:sub(first, last))
          end
        end
      end
      if failure.test_error then
        add(problems, seen, "tests failed: " .. failure.test_error:sub(-300))
      end
    end
    return problems
  end,
}
