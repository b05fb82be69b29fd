module example.com/pgoworkload

go 1.21
