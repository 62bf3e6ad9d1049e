module example.com/basefit/gonocgo

go 1.19
