// go-tls-tzdata: like go-tls but embeds the time zone database (import time/tzdata),
// so it needs no tzdata in the image; it still needs the CA roots.
package main

import (
	"crypto/x509"
	"fmt"
	"time"
	_ "time/tzdata"
)

func main() {
	pool, err := x509.SystemCertPool()
	fmt.Println(pool != nil, err)
	location, err := time.LoadLocation("Europe/Paris")
	fmt.Println(location, err)
}
