module example.com/gotls

go 1.19
