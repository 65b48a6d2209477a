-- Without tests, the sandbox runs a smoke check: the code is compiled, read for crude defects
-- (a function that is only a stub, a loop that can never end, a function that can end without
-- the value its annotation promises) and imported within a short time limit. Failing it means
-- the answer cannot work whatever it is called with; what failed is the reason.
return {
  name = "smoke_run",
  weight = 1.0,
  task_types = { "code_generation", "test_generation" },
  check = function(ctx)
    local exec = ctx.exec
    if exec == nil or not exec.ran then return nil end
    -- the request's examples ran only after the code compiled and imported cleanly
    if exec.kind == "examples" then return 1.0, "the code compiles and imports cleanly" end
    if exec.kind ~= "smoke" then return nil end
    if exec.passed then return 1.0, "the code compiles and imports cleanly" end
    if exec.timed_out then return 0.0, "importing the code did not finish in time" end
    local last = exec.last_line
    local error_name = last:match("^(%a+Error)")
    -- a compile error is syntax_valid's to report
    if error_name == "SyntaxError" or error_name == "IndentationError" or error_name == "TabError" then return nil end
    last = last:gsub("^%[sandbox%] ", "")
    if last == "" then last = "exit " .. tostring(exec.exit_code) end
    return 0.0, "the smoke run failed: " .. last
  end,
}
