// A stand-in for a production service, for the tests of `pgo-harness collect`: it serves
// net/http/pprof on 127.0.0.1 and burns CPU only while a CPU profile is being taken, in
// one of two distinct call chains (-variant a|b), so that profiles are quick and
// instances can differ. -mode makes it misbehave the way real instances do.
//
//	pprofserver -port-file P [-mode normal|slow|html|heap] [-variant a|b] [-token T]
//	            [-tls -cert-out CERT.pem]
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	rpprof "runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"
)

var sink atomic.Uint64

//go:noinline
func mixA(x uint64) uint64 { return x*6364136223846793005 + 1442695040888963407 }

//go:noinline
func mixB(x uint64) uint64 { return (x ^ (x >> 31)) * 0x9e3779b97f4a7c15 }

//go:noinline
func burnA(stop *atomic.Bool) {
	x := uint64(1)
	for !stop.Load() {
		for i := 0; i < 10000; i++ {
			x = mixA(x)
		}
	}
	sink.Add(x)
}

//go:noinline
func burnB(stop *atomic.Bool) {
	x := uint64(1)
	for !stop.Load() {
		for i := 0; i < 10000; i++ {
			x = mixB(x)
		}
	}
	sink.Add(x)
}

// selfSignedTLS makes a certificate for 127.0.0.1 and writes it, PEM-encoded, to certOut
// (the client's --cacert).
func selfSignedTLS(certOut string) *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	check(err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	check(err)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	check(os.WriteFile(certOut, certPEM, 0o644))
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	check(err)
	return &tls.Config{Certificates: []tls.Certificate{pair}}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "pprofserver:", err)
		os.Exit(1)
	}
}

func main() {
	portFile := flag.String("port-file", "", "write the listening port here once ready")
	mode := flag.String("mode", "normal", "normal, slow, html or heap")
	variant := flag.String("variant", "a", "which call chain burns CPU while profiled: a or b")
	token := flag.String("token", "", "require 'Authorization: Bearer TOKEN'")
	useTLS := flag.Bool("tls", false, "serve https with a self-signed certificate")
	certOut := flag.String("cert-out", "", "with -tls: write the certificate (PEM) here")
	flag.Parse()
	runtime.GOMAXPROCS(2)

	profile := func(w http.ResponseWriter, r *http.Request) {
		switch *mode {
		case "slow": // never answers within any sensible timeout
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Minute):
			}
			return
		case "html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintln(w, "<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>")
			return
		case "heap":
			rpprof.Lookup("heap").WriteTo(w, 0)
			return
		}
		var stop atomic.Bool
		burn := burnA
		if *variant == "b" {
			burn = burnB
		}
		done := make(chan struct{})
		go func() { burn(&stop); close(done) }()
		pprof.Profile(w, r)
		stop.Store(true)
		<-done
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", profile)
	handler := http.Handler(mux)
	if *token != "" {
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+*token {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			mux.ServeHTTP(w, r)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	srv := &http.Server{Handler: handler}
	if *useTLS {
		srv.TLSConfig = selfSignedTLS(*certOut)
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	tmp := *portFile + ".tmp"
	check(os.WriteFile(tmp, []byte(port), 0o644))
	check(os.Rename(tmp, *portFile))
	check(srv.Serve(ln))
}
