// go-tls: a static Go program that needs files beyond libraries at run time: the
// system CA roots (crypto/x509), time zones (time.LoadLocation without time/tzdata)
// and the user database (os/user).
package main

import (
	"crypto/x509"
	"fmt"
	"os/user"
	"time"
)

func main() {
	pool, err := x509.SystemCertPool()
	fmt.Println(pool != nil, err)
	location, err := time.LoadLocation("Europe/Paris")
	fmt.Println(location, err)
	current, err := user.Current()
	fmt.Println(current, err)
}
