-- When the request names the function ("a function called `is_prime`"), callers and tests
-- will import that name: a differently named function is a broken answer.

-- Words that follow "called"/"named" in prose without being a name.
local not_names = { ["with"] = true, ["by"] = true, ["the"] = true, ["a"] = true, ["an"] = true,
  ["in"] = true, ["on"] = true, ["from"] = true, ["when"] = true, ["for"] = true, ["to"] = true,
  ["that"] = true, ["which"] = true, ["it"] = true, ["function"] = true }

-- Each pattern with a plain word it cannot match without: the pattern (a scan of the whole
-- request from every position) runs only on requests holding that word, few of them.
local quoted = {
  { "[Cc]alled%s+[`'\"]([%a_][%w_]*)", "alled" },
  { "[Nn]amed%s+[`'\"]([%a_][%w_]*)", "amed" },
  { "[Ff]unction%s+`([%a_][%w_]*)", "`" },
  { "`def%s+([%a_][%w_]*)", "`" },
  { "`([%a_][%w_]*)%(", "`" },
}
local bare = {
  { "[Ff]unction%s+[Cc]alled%s+([%a_][%w_]*)", "alled" },
  { "[Ff]unction%s+[Nn]amed%s+([%a_][%w_]*)", "amed" },
  { "[Ff]unction%s+([%a_][%w_]*)%s*%(", "unction" },
  { "def%s+([%a_][%w_]*)", "def" },
  { "[Cc]alled%s+([%a_][%w_]*_[%w_]*)", "alled" },  -- bare snake_case after "called" is a name, "called with" is not
  { "[Nn]amed%s+([%a_][%w_]*_[%w_]*)", "amed" },
}

local function requested_name(input)
  for _, entry in ipairs(quoted) do
    local name = input:find(entry[2], 1, true) and input:match(entry[1])
    if name then return name end
  end
  for _, entry in ipairs(bare) do
    local name = input:find(entry[2], 1, true) and input:match(entry[1])
    if name and not not_names[name:lower()] then return name end
  end
  return nil
end

return {
  name = "defines_requested_function",
  weight = 1.0,
  task_types = { "code_generation" },
  check = function(ctx)
    local wanted = requested_name(ctx.input)
    if not wanted then
      return nil -- no name requested: this rule does not apply
    end
    local defined, code = {}, ctx.code
    -- A plain search for the keyword then a parse there: fast on long answers. A requested
    -- name may be a function (`def`) or a class (`class LRUCache:`).
    for _, keyword in ipairs({ "def ", "class " }) do
      local pos = 1
      while true do
        local start = code:find(keyword, pos, true)
        if not start then break end
        pos = start + #keyword
        local name = code:match("^" .. keyword:sub(1, -2) .. "%s+([%a_][%w_]*)%s*[%(:]", start)
        if name == wanted then return 1.0, "defines `" .. wanted .. "` as requested" end
        if name then defined[#defined + 1] = name end
      end
    end
    if #defined == 0 then
      return 0.0, "the request asks for `" .. wanted .. "` but the code defines no function or class"
    end
    return 0.0, "the request asks for `" .. wanted .. "` but the code defines " .. table.concat(defined, ", ")
  end,
}
