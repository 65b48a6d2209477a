-- Without tests, the sandbox at least compiles the code (a compile-only check, or the first
-- step of a smoke run): an answer that does not parse cannot work, whatever it looks like.
return {
  name = "syntax_valid",
  weight = 1.0,
  task_types = { "code_generation", "test_generation" },
  check = function(ctx)
    local exec = ctx.exec
    if exec == nil or not exec.ran then return nil end
    if exec.kind == "examples" then return 1.0, "the code compiles" end -- examples run after compiling
    if exec.kind ~= "syntax" and exec.kind ~= "smoke" then return nil end
    if exec.passed then return 1.0, "the code compiles" end
    -- Python's compile error ends with e.g. "SyntaxError: expected ':'"; the last
    -- 'File "...", line N' of the traceback is the spot in the code.
    local tail = exec.stderr_tail or ""
    local last = exec.last_line
    local error_name = last:match("^(%a+Error)")
    local compile_error = error_name == "SyntaxError" or error_name == "IndentationError" or error_name == "TabError"
    -- a smoke run that failed after compiling (a stub, an import that raised) is smoke_run's
    if exec.kind == "smoke" and not compile_error then return 1.0, "the code compiles" end
    if exec.timed_out then return 0.0, "compiling the code timed out" end
    local where
    for line in tail:gmatch('File "[^"]*", line (%d+)') do where = line end
    local reason = "the code does not compile"
    if last ~= "" then reason = reason .. ": " .. last end
    if where then reason = reason .. " (line " .. where .. ")" end
    return 0.0, reason
  end,
}
