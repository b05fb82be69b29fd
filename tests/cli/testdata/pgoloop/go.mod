module example.com/pgoloop

go 1.22
