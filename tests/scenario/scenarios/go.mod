module example.com/pgo-harness/tests/scenario-fixture

go 1.21
