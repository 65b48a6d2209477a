-- A review that never names anything in the reviewed code may be about any code at all.
return {
  name = "review_references_code",
  weight = 0.5,
  task_types = { "code_review" },
  check = function(ctx)
    local names = {}
    for name in ctx.input:gmatch("def%s+([%a_][%w_]*)") do names[#names + 1] = name end
    for name in ctx.input:gmatch("class%s+([%a_][%w_]*)") do names[#names + 1] = name end
    if #names == 0 then return nil end -- no code named in the request
    for _, name in ipairs(names) do
      if ctx.output:find(name, 1, true) then return 1.0, "refers to `" .. name .. "`" end
    end
    if ctx.output:lower():find("line%s+%d") then return 1.0, "refers to line numbers" end
    return 0.0, "does not refer to anything in the reviewed code"
  end,
}
