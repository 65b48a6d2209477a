-- How rule and judge scores combine. Edit while selfheal runs: the change is live within a second.
return {
  -- final = rules * rule_score + judge * judge_score (each within [0, 1])
  weights = { rules = 0.4, judge = 0.6 },
  -- an output passes when final >= pass_threshold and no required rule scored below 1
  pass_threshold = 0.7,
  -- when the LLM judge gives no verdict: "rules_only" scores on the rules alone, "fail" fails the output
  on_judge_unavailable = "rules_only",
  -- what running the code decides. "decide": code whose tests pass passes unless a required rule
  -- fails or its final score is below quality_floor (quality still moves the score); code whose
  -- tests fail, or that does not compile, fails. Without tests the score decides.
  -- "weigh": the run is one rule among the others and only the score decides.
  execution = { mode = "decide", quality_floor = 0.3 },
  -- how generated code runs in the sandbox: with the request's tests when it has some, else a
  -- smoke run (compiled, read for crude defects, imported, the request's worked examples
  -- tried; Python) or compile only (the `check` command). The program file's name is appended
  -- to each command.
  sandbox = {
    timeout_seconds = 10,
    -- run jobs in warm hosts (an isolated interpreter started ahead of time, each job a child
    -- forked from it: a few milliseconds instead of tens); false starts a fresh one per job
    warm_hosts = true,
    -- an answer without tests gets a smoke run; false: only a compile-only check (faster, and
    -- blind to code that compiles but fails when imported or on the request's own examples)
    smoke_runs = true,
    task_types = { "code_generation", "test_generation" },
    languages = {
      python = {
        run = { "python3", "-I" },
        check = { "python3", "-I", "-c", "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')" },
        extension = ".py",
        entry_call = "check({entry_point})",
        -- imports the answer as a module, runs the tests, and counts them passed only when they
        -- ran to their end (a per-run completion record the answer cannot write); "none" turns
        -- it off and trusts the exit status alone. entry_call is unused under a harness.
        harness = "python",
      },
    },
  },
}
