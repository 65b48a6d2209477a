-- A review is useful when it lists concrete findings, not a general impression.
return {
  name = "review_has_findings",
  weight = 1.0,
  task_types = { "code_review" },
  check = function(ctx)
    local items = 0
    for line in (ctx.output .. "\n"):gmatch("(.-)\n") do
      if line:find("^%s*[-*•]%s+%S") or line:find("^%s*%d+[.)]%s+%S") then items = items + 1 end
    end
    if items >= 2 then return 1.0, items .. " findings listed" end
    local text = ctx.output:lower()
    if text:find("bug") or text:find("issue") or text:find("problem") or text:find("vulnerab") then
      return 0.6, "names problems but does not list them"
    end
    return 0.0, "no concrete findings"
  end,
}
