module example.com/pgo-harness/scenarios/ruleeval

go 1.22
