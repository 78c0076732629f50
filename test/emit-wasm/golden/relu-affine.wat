(module
 (type $0 (func (param i32 i32 i32 i32 i32 i32)))
 (import "env" "memory" (memory $memory 1))
 (export "relu_affine" (func $relu_affine))
 (func $relu_affine (param $out i32) (param $in0 i32) (param $in1 i32) (param $in2 i32) (param $rows i32) (param $cols i32)
  (local $x0 v128)
  (local $x1 v128)
  (local $x2 v128)
  (local $zero v128)
  (local $r i32)
  (local $j i32)
  (local $rowOff i32)
  (local $end4 i32)
  (local $end i32)
  (local.set $zero
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (local.set $x1
   (v128.load32_splat
    (local.get $in1)
   )
  )
  (local.set $rowOff
   (i32.const 0)
  )
  (block $exit4
   (local.set $r
    (i32.const 0)
   )
   (br_if $exit4
    (i32.ge_s
     (local.get $r)
     (local.get $rows)
    )
   )
   (loop $loop5
    (local.set $rowOff
     (i32.shl
      (i32.mul
       (local.get $r)
       (local.get $cols)
      )
      (i32.const 2)
     )
    )
    (local.set $end
     (i32.shl
      (local.get $cols)
      (i32.const 2)
     )
    )
    (local.set $end4
     (i32.and
      (local.get $end)
      (i32.const -16)
     )
    )
    (block $exit0
     (local.set $j
      (i32.const 0)
     )
     (br_if $exit0
      (i32.ge_s
       (local.get $j)
       (local.get $end4)
      )
     )
     (loop $loop1
      (local.set $x0
       (v128.load align=4
        (i32.add
         (i32.add
          (local.get $in0)
          (local.get $rowOff)
         )
         (local.get $j)
        )
       )
      )
      (local.set $x2
       (v128.load align=4
        (i32.add
         (local.get $in2)
         (local.get $j)
        )
       )
      )
      (v128.store align=4
       (i32.add
        (i32.add
         (local.get $out)
         (local.get $rowOff)
        )
        (local.get $j)
       )
       (f32x4.pmax
        (local.get $zero)
        (f32x4.add
         (f32x4.mul
          (local.get $x0)
          (local.get $x1)
         )
         (local.get $x2)
        )
       )
      )
      (local.set $j
       (i32.add
        (local.get $j)
        (i32.const 16)
       )
      )
      (br_if $loop1
       (i32.lt_s
        (local.get $j)
        (local.get $end4)
       )
      )
     )
    )
    (block $exit2
     (local.set $j
      (local.get $end4)
     )
     (br_if $exit2
      (i32.ge_s
       (local.get $j)
       (local.get $end)
      )
     )
     (loop $loop3
      (local.set $x0
       (v128.load32_splat
        (i32.add
         (i32.add
          (local.get $in0)
          (local.get $rowOff)
         )
         (local.get $j)
        )
       )
      )
      (local.set $x2
       (v128.load32_splat
        (i32.add
         (local.get $in2)
         (local.get $j)
        )
       )
      )
      (f32.store
       (i32.add
        (i32.add
         (local.get $out)
         (local.get $rowOff)
        )
        (local.get $j)
       )
       (f32x4.extract_lane 0
        (f32x4.pmax
         (local.get $zero)
         (f32x4.add
          (f32x4.mul
           (local.get $x0)
           (local.get $x1)
          )
          (local.get $x2)
         )
        )
       )
      )
      (local.set $j
       (i32.add
        (local.get $j)
        (i32.const 4)
       )
      )
      (br_if $loop3
       (i32.lt_s
        (local.get $j)
        (local.get $end)
       )
      )
     )
    )
    (local.set $r
     (i32.add
      (local.get $r)
      (i32.const 1)
     )
    )
    (br_if $loop5
     (i32.lt_s
      (local.get $r)
      (local.get $rows)
     )
    )
   )
  )
 )
)
