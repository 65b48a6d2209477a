-- A test without an assertion passes whatever the code does.
return {
  name = "tests_have_assertions",
  weight = 1.0,
  task_types = { "test_generation" },
  check = function(ctx)
    local tests, asserts = 0, 0
    for _ in ctx.code:gmatch("def%s+test[%w_]*%s*%(") do tests = tests + 1 end
    for _ in ctx.code:gmatch("%f[%w]assert[%w_]*") do asserts = asserts + 1 end
    for _ in ctx.code:gmatch("raises%s*%(") do asserts = asserts + 1 end
    if tests == 0 then return nil end -- tests_present reports this
    if asserts >= tests then return 1.0, asserts .. " assertions in " .. tests .. " tests" end
    return asserts / tests, "only " .. asserts .. " assertions for " .. tests .. " tests"
  end,
}
