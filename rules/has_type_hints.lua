-- Type hints let callers and checkers (mypy, IDEs) catch misuse before it runs.

-- Splits a parameter list on commas outside brackets: `a: Dict[str, int], b=f(1, 2)`.
-- Jumps from one bracket or comma to the next rather than reading every character.
local function split_params(params)
  local parts, depth, start, i = {}, 0, 1, 1
  while true do
    i = params:find("[%(%)%[%]{},]", i)
    if not i then break end
    local ch = params:sub(i, i)
    if ch == "(" or ch == "[" or ch == "{" then depth = depth + 1
    elseif ch == ")" or ch == "]" or ch == "}" then depth = depth - 1
    elseif depth == 0 then
      parts[#parts + 1] = params:sub(start, i - 1)
      start = i + 1
    end
    i = i + 1
  end
  parts[#parts + 1] = params:sub(start)
  return parts
end

-- The parameter list and the rest of the line of the `def` at `start`. On a bounded window:
-- `%b()` on an unclosed parenthesis scans to the end, once per `def`. A short window first (most
-- signatures fit), kept only when the line ends inside it; else the long one.
local SIGNATURE = "^def%s+[%w_]+%s*(%b())([^\n]*)()"
local function signature_at(code, start)
  local window = code:sub(start, start + 300)
  local params, rest, finish = window:match(SIGNATURE)
  if params and finish <= #window then return params, rest end
  params, rest = code:sub(start, start + 4000):match(SIGNATURE)
  return params, rest
end

-- 0.5 for a return annotation, 0.5 spread over the parameters that should be annotated.
local function signature_score(params, rest)
  local returns = rest:find("^%s*%->") and 0.5 or 0
  local total, annotated = 0, 0
  for _, param in ipairs(split_params(params:sub(2, -2))) do
    local name = param:match("^%s*%**([%w_]+)")
    if name and name ~= "self" and name ~= "cls" then
      total = total + 1
      if param:find("^%s*%**[%w_]+%s*:") then annotated = annotated + 1 end
    end
  end
  if total == 0 then return returns * 2 end
  return returns + 0.5 * annotated / total
end

return {
  name = "has_type_hints",
  weight = 1.0,
  task_types = { "code_generation" },
  check = function(ctx)
    local code, count, sum, pos = ctx.code, 0, 0, 1
    -- A plain search for "def " then a parse from there: fast on long answers.
    while true do
      local start = code:find("def ", pos, true)
      if not start then break end
      pos = start + 4
      local before = start > 1 and code:sub(start - 1, start - 1) or "\n"
      if before == " " or before == "\t" or before == "\n" then
        local params, rest = signature_at(code, start)
        if params then
          count = count + 1
          sum = sum + signature_score(params, rest)
        end
      end
    end
    if count == 0 then return nil end -- no functions: nothing to annotate
    local score = sum / count
    if score >= 0.999 then return 1.0, "every function has parameter and return type hints" end
    if score == 0 then return 0.0, "no type hints" end
    return score, string.format("type hints incomplete (%.0f%% of parameters and returns annotated)", score * 100)
  end,
}
