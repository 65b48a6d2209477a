-- When the request asks for examples or tests, an answer without them ignores part of it.
-- Asking is a word such as "with", "include" or "add" shortly before "examples"/"tests"
-- ("with usage examples", "and unit tests", "demonstrate"); a request that only states its
-- own examples ("Example: input 2, output 4", "For example, f(2) -> 4") or says "test" in
-- another sense ("a function to test whether n is prime") asks for nothing.
local asking = {
  with = true, include = true, includes = true, including = true, add = true, adding = true,
  provide = true, providing = true, give = true, show = true, showing = true, ["and"] = true,
  plus = true, also = true, usage = true, unit = true,
}
-- "write" asks only right before the word ("write tests"), not as the request's first word
-- ("Write is_prime. Example: ...").
local wanted = { "example", "doctest", "test", "usage", "sample" }

-- Each word above starts with one of these, so a request holding none of them (most do not)
-- asks for nothing; five plain searches say so without reading it word by word.
local stems = { "example", "test", "usage", "sample", "demonstrat" }

local function mentions_a_stem(input)
  for _, stem in ipairs(stems) do
    if input:find(stem, 1, true) then return true end
  end
  return false
end

local function asks(input)
  if not mentions_a_stem(input) then return false end
  local previous = {}
  for word in input:gmatch("%a+") do
    if word:sub(1, 10) == "demonstrat" then return true end
    for _, stem in ipairs(wanted) do
      if word:sub(1, #stem) == stem then
        for distance, before in ipairs(previous) do
          if asking[before] or (distance == 1 and before == "write") then return true end
        end
      end
    end
    previous[3] = previous[2]
    previous[2] = previous[1]
    previous[1] = word
  end
  return false
end

return {
  name = "examples_when_asked",
  weight = 0.5,
  task_types = { "code_generation" },
  check = function(ctx)
    if not asks(ctx.input:lower()) then return nil end -- not requested: this rule does not apply
    local code = ctx.code
    if code:find(">>>", 1, true) then return 1.0, "doctest examples included" end
    if code:find("__main__", 1, true) then return 1.0, "usage example under __main__" end
    if code:find("def test_", 1, true) or code:find("assert ", 1, true) then return 1.0, "tests included" end
    return 0.0, "the request asks for examples or tests but the answer has none"
  end,
}
