module example.com/gotlstz

go 1.19
