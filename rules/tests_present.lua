-- A test-generation answer is only useful if a test runner can collect it.
return {
  name = "tests_present",
  weight = 1.0,
  task_types = { "test_generation" },
  required = true,
  check = function(ctx)
    local count = 0
    for _ in ctx.code:gmatch("def%s+test_?[%w_]*%s*%(") do count = count + 1 end
    if count > 0 then return 1.0, count .. " test functions a runner can collect" end
    if ctx.code:find("unittest%.TestCase") then return 1.0, "a unittest.TestCase" end
    if ctx.code:find("%f[%w]assert%s") then return 0.5, "asserts, but no test functions a runner would collect" end
    return 0.0, "no tests"
  end,
}
