module example.com/pgo-harness/scenarios/mdbatch

go 1.22

require github.com/yuin/goldmark v1.7.13
