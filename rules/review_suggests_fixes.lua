-- A finding without a way to fix it leaves the author guessing.

-- Verbs a concrete suggestion starts with ("- Add a docstring", "2. Replace eval with ...").
local verbs = { "add", "use", "replace", "rename", "check", "annotate", "validate", "handle", "remove",
  "avoid", "consider", "move", "extract", "split", "guard", "raise", "return", "document", "test",
  "change", "wrap", "catch", "limit", "escape", "sanitize", "prefer", "fix", "initialize", "close" }
local is_verb = {}
for _, verb in ipairs(verbs) do is_verb[verb] = true end

return {
  name = "review_suggests_fixes",
  weight = 1.0,
  task_types = { "code_review" },
  check = function(ctx)
    local output = ctx.output
    if output:find("```", 1, true) then return 1.0, "suggests fixes with code" end
    local suggestions = 0
    for line in output:gmatch("[^\n]+") do
      local first = line:match("^%s*[-*•]%s+(%a+)") or line:match("^%s*%d+[.)]%s+(%a+)")
      if first and is_verb[first:lower()] then suggestions = suggestions + 1 end
    end
    local text = output:lower()
    local phrased = text:find("instead", 1, true) or text:find("should", 1, true) or text:find("suggest", 1, true)
      or text:find("recommend", 1, true)
    if suggestions >= 2 or (suggestions >= 1 and phrased) then
      return 1.0, suggestions .. " concrete suggestions"
    end
    if suggestions == 1 or phrased then return 0.5, "few concrete suggestions" end
    return 0.0, "no suggested fixes"
  end,
}
