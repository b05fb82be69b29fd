module example.com/pgo-harness/scenarios/imgfx

go 1.22
