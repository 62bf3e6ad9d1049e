module example.com/basefit/gocgo

go 1.19
