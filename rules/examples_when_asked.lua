-- When the request asks for examples or tests, an answer without them ignores part of it.
local asks = { "example", "doctest", "test", "usage", "demonstrat", "sample" }

return {
  name = "examples_when_asked",
  weight = 0.5,
  task_types = { "code_generation" },
  check = function(ctx)
    local input = ctx.input:lower()
    local asked = false
    for _, word in ipairs(asks) do
      if input:find(word, 1, true) then asked = true break end
    end
    if not asked then return nil end -- not requested: this rule does not apply
    local code = ctx.code
    if code:find(">>>", 1, true) then return 1.0, "doctest examples included" end
    if code:find("__main__", 1, true) then return 1.0, "usage example under __main__" end
    if code:find("def test_", 1, true) or code:find("assert ", 1, true) then return 1.0, "tests included" end
    return 0.0, "the request asks for examples or tests but the answer has none"
  end,
}
