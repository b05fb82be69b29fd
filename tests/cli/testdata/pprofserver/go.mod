module pprofserver

go 1.21
