-- Placeholders mean the answer is unfinished: it will not do what was asked.

-- { plain word that must occur, pattern that confirms it, what to report }. The plain
-- search skips the pattern on answers without the word, which is nearly all of them.
local markers = {
  { "TODO", "%f[%w]TODO%f[%W]", "TODO" },
  { "FIXME", "%f[%w]FIXME%f[%W]", "FIXME" },
  { "XXX", "%f[%w]XXX%f[%W]", "XXX" },
  { "pass", "%f[%w]pass%s*#", "`pass  # ...`" },
  { "NotImplementedError", "raise%s+NotImplementedError", "raise NotImplementedError" },
  { "...", "\n%s*%.%.%.%s*\n", "`...` as a body" },
  { "...", ":%s*%.%.%.%s*\n", "`...` as a body" },
  { "our code here", "[Yy]our code here", "\"your code here\"" },
  { "mplement", "[Ii]mplement[%w ]* here", "\"implement ... here\"" },
}

return {
  name = "no_placeholders",
  weight = 1.0,
  task_types = { "code_generation", "test_generation" },
  check = function(ctx)
    local code = ctx.code
    local found, padded = {}, nil
    for _, marker in ipairs(markers) do
      if code:find(marker[1], 1, true) then
        padded = padded or ("\n" .. code .. "\n")
        if padded:find(marker[2]) and found[#found] ~= marker[3] then found[#found + 1] = marker[3] end
      end
    end
    if #found == 0 then return 1.0, "no placeholders" end
    return 0.0, "unfinished: " .. table.concat(found, ", ")
  end,
}
