-- When tests were supplied and run in the sandbox, their verdict is the strongest evidence
-- there is: failing them fails the output (required = true).
-- The last line of `text` that is not blank. A byte loop from the end: patterns such as
-- `%s+$` and `([^\n]*)$` retry at every position and cost time quadratic in a long line.
local function last_line(text)
  local finish = #text
  while finish > 0 and text:byte(finish) <= 32 do finish = finish - 1 end
  local start = finish
  while start > 0 and text:byte(start) ~= 10 do start = start - 1 end
  return text:sub(start + 1, finish)
end

return {
  name = "tests_pass",
  weight = 1.0,
  task_types = { "code_generation", "test_generation" },
  required = true,
  check = function(ctx)
    local exec = ctx.exec
    -- no tests ran (a compile-only check is syntax_valid's business): this rule does not apply
    if exec == nil or not exec.ran or (exec.kind ~= nil and exec.kind ~= "tests") then return nil end
    if exec.passed then return 1.0, string.format("supplied tests pass (%.0f ms)", exec.duration_ms) end
    if exec.timed_out then return 0.0, "supplied tests timed out" end
    local tail = exec.stderr_tail or ""
    local last = last_line(tail)
    return 0.0, "supplied tests fail (exit " .. tostring(exec.exit_code) .. ")" .. (last ~= "" and (": " .. last) or "")
  end,
}
