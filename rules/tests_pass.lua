-- When tests were supplied and run in the sandbox, their verdict is the strongest evidence
-- there is: failing them fails the output (required = true).
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
    local last = exec.last_line
    return 0.0, what .. " fail (exit " .. tostring(exec.exit_code) .. ")" .. (last ~= "" and (": " .. last) or "")
  end,
}
