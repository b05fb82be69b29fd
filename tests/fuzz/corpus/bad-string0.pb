



d
("ê "*"7"† "=*
 ((*
 (2*
 (<2x2samples2count2cpu2nanoseconds2main.inl2main.go2
main.outer2	main.leafZ`Ä≠‚