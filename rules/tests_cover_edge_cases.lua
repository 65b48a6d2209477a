-- Happy-path tests miss the bugs that matter; good tests probe errors, empty input and bounds.
local kinds = {
  { { "pytest%.raises", "assertRaises" }, "error cases" },
  { { "%(%s*%)", "%(%s*%[%s*%]%s*%)", "%(%s*\"\"%s*%)", "%(%s*''%s*%)", "None" }, "empty or missing input" },
  { { "%(%s*0%s*[,)]", "%(%s*%-%d", "%f[%w]1%s*%)" }, "zero, negative or boundary values" },
}

return {
  name = "tests_cover_edge_cases",
  weight = 0.5,
  task_types = { "test_generation" },
  check = function(ctx)
    local covered = {}
    for _, kind in ipairs(kinds) do
      for _, pattern in ipairs(kind[1]) do
        if ctx.code:find(pattern) then covered[#covered + 1] = kind[2] break end
      end
    end
    if #covered == 0 then return 0.0, "only happy-path tests" end
    return #covered / #kinds, "covers " .. table.concat(covered, ", ")
  end,
}
