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
    -- applies to the request's tests, and to the worked examples its text states when it has
    -- none; a compile-only check or a smoke run is syntax_valid's and smoke_run's business
    if exec == nil or not exec.ran or (exec.kind ~= nil and exec.kind ~= "tests" and exec.kind ~= "examples") then return nil end
    local what = exec.kind == "examples" and "the examples in the request" or "supplied tests"
    if exec.passed then return 1.0, string.format("%s pass (%.0f ms)", what, exec.duration_ms) end
    if exec.timed_out then return 0.0, what .. " timed out" end
    local tail = exec.stderr_tail or ""
    local last = last_line(tail)
    return 0.0, what .. " fail (exit " .. tostring(exec.exit_code) .. ")" .. (last ~= "" and (": " .. last) or "")
  end,
}
