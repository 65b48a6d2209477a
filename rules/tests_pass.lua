-- When tests were supplied and run in the sandbox, their verdict is the strongest evidence
-- there is: failing them fails the output (required = true).
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
    local tail = (exec.stderr_tail or ""):gsub("%s+$", "")
    local last = tail:match("([^\n]*)$") or ""
    return 0.0, "supplied tests fail (exit " .. tostring(exec.exit_code) .. ")" .. (last ~= "" and (": " .. last) or "")
  end,
}
