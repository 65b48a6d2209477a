-- Placeholders mean the answer is unfinished: it will not do what was asked.
--
-- Every search here costs time linear in the answer's length: a plain search finds each
-- candidate, and a pattern only confirms it on a bounded piece of text around it. (A pattern
-- over the whole answer whose pieces span lines, like `\n%s*%.%.%.%s*\n`, backtracks
-- quadratically on long runs of blank lines.)

local WINDOW = 200 -- bytes after a candidate that a confirming pattern may look at

-- The byte before `start` once spaces and tabs (at most 64 of them) are skipped, and where it is.
local function before_blanks(code, start)
  local i = start - 1
  while i >= 1 and start - i <= 64 do
    local byte = code:byte(i)
    if byte ~= 32 and byte ~= 9 then return byte, i end
    i = i - 1
  end
  return nil, i
end

-- Where the triple-quoted strings are ({ first, last } byte positions), found by plain searches
-- in one pass: a doctest's `...` continuation line inside a docstring is not a body.
local function string_spans(code)
  local spans, pos = {}, 1
  while true do
    local double = code:find('"""', pos, true)
    local single = code:find("'''", pos, true)
    local start = double and (not single or double < single) and double or single
    if not start then return spans end
    local quote = code:sub(start, start + 2)
    local finish = code:find(quote, start + 3, true) or #code
    spans[#spans + 1] = { start, finish }
    pos = finish + 3
  end
end

-- Whether `position` falls in one of the (sorted, disjoint) spans: a binary search, so an answer
-- with thousands of docstrings and thousands of `...` lines still costs n log n, not n².
local function inside(spans, position)
  local low, high = 1, #spans
  while low <= high do
    local middle = (low + high) // 2
    local span = spans[middle]
    if position < span[1] then
      high = middle - 1
    elseif position > span[2] then
      low = middle + 1
    else
      return true
    end
  end
  return false
end

local checks = {
  -- { plain word that must occur, test at each occurrence, what to report }. The plain search
  -- skips the test on answers without the word, which is nearly all of them.
  { "TODO", function(code, s) return code:find("^%WTODO%f[%W]", s - 1) end, "TODO" },
  { "FIXME", function(code, s) return code:find("^%WFIXME%f[%W]", s - 1) end, "FIXME" },
  { "XXX", function(code, s) return code:find("^%WXXX%f[%W]", s - 1) end, "XXX" },
  { "pass", function(code, s) return code:sub(s - 1, s + WINDOW):find("^%Wpass[ \t]*#") end, "`pass  # ...`" },
  { "NotImplementedError", function(code, s)
      local byte, i = before_blanks(code, s)
      return byte ~= nil and i < s - 1 and code:sub(i - 4, i) == "raise"
    end, "raise NotImplementedError" },
  -- `...` alone on its line, or right after a colon (`def f(): ...`), outside a docstring.
  { "...", function(code, s, spans)
      local byte = before_blanks(code, s)
      return (byte == 10 or byte == 58) and code:sub(s, s + WINDOW):find("^%.%.%.[ \t\r]*\n") ~= nil and not inside(spans, s)
    end, "`...` as a body" },
  { "our code here", function(code, s) return code:find("^[Yy]our code here", s - 1) end, "\"your code here\"" },
  { "mplement", function(code, s) return code:sub(s - 1, s + WINDOW):find("^[Ii]mplement[%w ]* here") end, "\"implement ... here\"" },
}

local function occurs(code, word, test, spans)
  local pos = 1
  while true do
    local start = code:find(word, pos, true)
    if not start then return false end
    if test(code, start, spans) then return true end
    pos = start + 1
  end
end

return {
  name = "no_placeholders",
  weight = 1.0,
  task_types = { "code_generation", "test_generation" },
  check = function(ctx)
    -- A newline on each side, so markers on the first and last line are found like the others.
    local code = "\n" .. ctx.code .. "\n"
    local found = {}
    local spans = code:find("...", 1, true) and string_spans(code) or {}
    for _, check in ipairs(checks) do
      if occurs(code, check[1], check[2], spans) and found[#found] ~= check[3] then found[#found + 1] = check[3] end
    end
    if #found == 0 then return 1.0, "no placeholders" end
    return 0.0, "unfinished: " .. table.concat(found, ", ")
  end,
}
