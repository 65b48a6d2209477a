-- Code that trusts its input fails in production with a confusing traceback; checking it
-- (isinstance, range checks) and raising a clear error, or catching the expected failure,
-- is what a reviewer asks for.

-- Plain searches first: patterns run only where the keyword occurs at all.
local function raises(code)
  local pos = 1
  while true do
    local start = code:find("raise ", pos, true)
    if not start then return false end
    if code:find("^raise%s+[%w_%.]*Error", start) or code:find("^raise%s+[%w_%.]*Exception", start) then return true end
    pos = start + 6
  end
end

local function catches(code)
  local start = code:find("try:", 1, true)
  return start ~= nil and code:find("except", start, true) ~= nil
end

return {
  name = "handles_invalid_input",
  weight = 1.0,
  task_types = { "code_generation" },
  check = function(ctx)
    local code = ctx.code
    local raise_found = raises(code)
    local check_found = code:find("isinstance(", 1, true) or code:find("if not ", 1, true)
    if raise_found and check_found then return 1.0, "validates its input and raises a clear error" end
    if catches(code) then return 1.0, "handles errors with try/except" end
    if raise_found then return 0.8, "raises errors but shows no explicit input check" end
    if check_found then return 0.5, "checks input but does not raise a clear error" end
    return 0.0, "no input validation or error handling"
  end,
}
