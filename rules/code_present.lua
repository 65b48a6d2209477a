-- Without code there is nothing to run or review: every other check is moot.
return {
  name = "code_present",
  weight = 0.5,
  task_types = { "code_generation", "test_generation" },
  required = true,
  check = function(ctx)
    local code = ctx.code
    if not code:find("%S") then
      return 0.0, "the answer contains no code"
    end
    -- CodeExtraction falls back to the whole answer when there is no fenced block: prose
    -- ("I cannot help with that") must not count as code.
    if not (code:find("def ", 1, true) or code:find("class ", 1, true) or code:find("=", 1, true) or code:find("(", 1, true)) then
      return 0.0, "the answer has text but nothing that looks like code"
    end
    -- ctx.lengths.code: the whole code's length, also when the rules see only its head and tail.
    return 1.0, "code present (" .. ctx.lengths.code .. " characters)"
  end,
}
