-- A docstring says what a function promises; reviewers and IDEs read it first.

-- The rest of the `def` line at `start` and the first line of its body. On a bounded window:
-- `%b()` on an unclosed parenthesis scans to the end, once per `def`. A short window first (most
-- functions fit), kept only when the body's first line ends inside it; else the long one.
local SIGNATURE = "^def%s+[%w_]+%s*%b()([^\n]*)\n%s*([^\n]*)()"
local function signature_and_body(code, start)
  local window = code:sub(start, start + 300)
  local rest, body, finish = window:match(SIGNATURE)
  if rest and finish <= #window then return rest, body end
  rest, body = code:sub(start, start + 4000):match(SIGNATURE)
  return rest, body
end

-- For each `def`: whether the first line of its body opens a triple-quoted string.
-- Finds "def " with a plain search and parses from there, which is much faster than
-- matching a pattern at every position of a long answer.
local function documented_functions(code)
  local total, documented, pos = 0, 0, 1
  while true do
    local start = code:find("def ", pos, true)
    if not start then break end
    pos = start + 4
    local before = start > 1 and code:sub(start - 1, start - 1) or "\n"
    if before == " " or before == "\t" or before == "\n" then
      local rest, body = signature_and_body(code, start)
      if rest then
        total = total + 1
        local one_liner = rest:find(":%s*[^%s#]")
        if not one_liner and (body:find('^[rRuU]?"""') or body:find("^[rRuU]?'''")) then
          documented = documented + 1
        end
      end
    end
  end
  return total, documented
end

return {
  name = "has_docstring",
  weight = 1.0,
  task_types = { "code_generation" },
  check = function(ctx)
    local total, documented = documented_functions(ctx.code)
    if total == 0 then
      if ctx.code:find('"""', 1, true) or ctx.code:find("'''", 1, true) then return 1.0, "docstring present" end
      return 0.0, "no docstring"
    end
    if documented == total then return 1.0, "every function has a docstring" end
    if documented == 0 then return 0.0, "no function has a docstring" end
    return documented / total, documented .. " of " .. total .. " functions have a docstring"
  end,
}
