//! The all-to-all exchange of the distribution layer against a bare
//! `MPI_Alltoallv` of the same bytes, in the same MPI job: what the seam
//! (agreement step, count exchange, typed buffers) costs on top of MPI.
//! Then parts that must be written for the exchange (a reversing slice's):
//! packed whole and exchanged, against `exchange::alltoallv_packed`, and
//! against `exchange::alltoallv_ranges` (sent as they lie, reversed on
//! arrival).
//! Run as `cargo bench --features mpi --bench alltoall`; it starts itself
//! under `mpirun -np 2` (shared memory) and again over TCP.
//!
//! Environment: `BENCH_MIB` (bytes each rank sends in total, default 256).

use std::mem::MaybeUninit;
use std::time::Instant;

use arkouda_server::dist::Comm;
use arkouda_server::dist::exchange;
use arkouda_server::dist::mpi::{MpiComm, under_launcher};
use mpi::datatype::{Partition, PartitionMut};
use mpi::traits::*;

const TRIALS: usize = 7;

// The server's allocator, which keeps large freed blocks for reuse: without
// it every trial's receive buffer is fresh memory, and first-touch page
// faults, not the transfer, set both rates (0.6-0.8 GiB/s on a 2-core VM).
#[global_allocator]
static ALLOC: arkouda_server::alloc::CachingAlloc = arkouda_server::alloc::CachingAlloc;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if !under_launcher() {
        let me = std::env::current_exe().expect("own path");
        for (label, btl) in [("shared memory", "self,vader"), ("TCP", "self,tcp")] {
            println!("== 2 ranks, {label}");
            let status = std::process::Command::new("mpirun")
                .args(["--bind-to", "core", "--mca", "btl", btl, "-np", "2"])
                .arg(&me)
                .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
                .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
                .status()
                .expect("mpirun");
            assert!(status.success(), "mpirun failed: {status}");
        }
        return;
    }
    arkouda_server::alloc::set_limit(4 << 30);
    let universe = mpi::initialize().expect("MPI");
    let world = universe.world();
    let comm = MpiComm::new(world.duplicate());
    let (rank, size) = (comm.rank(), comm.size());
    let mib = std::env::var("BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256usize);
    let n = (mib << 20) / 8;
    let send: Vec<u64> = (0..n as u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9) ^ rank as u64)
        .collect();
    let per = n / size;
    let counts: Vec<usize> = (0..size)
        .map(|r| if r + 1 == size { n - per * r } else { per })
        .collect();
    // Bytes that cross to another rank, the figure both rates use.
    let moved = (n - counts[rank]) * 8;

    let c32: Vec<i32> = counts.iter().map(|&c| (c * 8) as i32).collect();
    let d32: Vec<i32> = c32
        .iter()
        .scan(0, |a, &c| {
            let d = *a;
            *a += c;
            Some(d)
        })
        .collect();
    let mut bare = Vec::new();
    let mut ours = Vec::new();
    // Parts that are written for the exchange, as a reversing slice's are:
    // packed whole first, then exchanged, or packed window by window.
    let (mut then, mut packed, mut arriving) = (Vec::new(), Vec::new(), Vec::new());
    let starts = exchange::starts(&counts);
    let reversed = |r: usize, k: usize, out: &mut [MaybeUninit<u64>]| {
        let part = &send[starts[r]..starts[r] + counts[r]];
        let top = part.len() - 1 - k;
        for (j, o) in out.iter_mut().enumerate() {
            o.write(part[top - j]);
        }
    };
    // The bare call gets its buffer allocated (and touched) and its counts
    // known up front.
    let mut recv = vec![1u8; n * 8];
    for _ in 0..=TRIALS {
        world.barrier();
        let t = Instant::now();
        {
            let bytes = exchange::bytes_of(&send);
            let part = Partition::new(bytes, &c32[..], &d32[..]);
            let mut rpart = PartitionMut::new(&mut recv[..], &c32[..], &d32[..]);
            world.all_to_all_varcount_into(&part, &mut rpart);
        }
        bare.push(t.elapsed().as_secs_f64());
        world.barrier();
        comm.begin();
        let t = Instant::now();
        let got = exchange::alltoallv(&comm, &send, &counts).expect("exchange");
        ours.push(t.elapsed().as_secs_f64());
        std::hint::black_box(got);
        world.barrier();
        let t = Instant::now();
        let mut buf: Vec<u64> = Vec::with_capacity(n);
        for (r, at) in starts.iter().enumerate() {
            reversed(r, 0, &mut buf.spare_capacity_mut()[*at..at + counts[r]]);
        }
        // SAFETY: `reversed` wrote every element of every part.
        unsafe { buf.set_len(n) };
        let got = exchange::alltoallv(&comm, &buf, &counts).expect("exchange");
        then.push(t.elapsed().as_secs_f64());
        drop((buf, got));
        world.barrier();
        let t = Instant::now();
        let got = exchange::alltoallv_packed(&comm, &counts, reversed).expect("exchange");
        packed.push(t.elapsed().as_secs_f64());
        drop(got);
        world.barrier();
        let t = Instant::now();
        let runs: Vec<_> = (starts.iter().zip(&counts))
            .map(|(&s, &c)| s..s + c)
            .collect();
        let got = exchange::alltoallv_ranges(&comm, &send, &runs, true).expect("exchange");
        arriving.push(t.elapsed().as_secs_f64());
        drop(got);
    }
    let (b, o) = (median(bare[1..].to_vec()), median(ours[1..].to_vec()));
    let (th, pk) = (median(then[1..].to_vec()), median(packed[1..].to_vec()));
    let ar = median(arriving[1..].to_vec());
    if rank == 0 {
        let gib = (1u64 << 30) as f64;
        println!(
            "{mib} MiB per rank, {:.0} MiB crossing: bare MPI_Alltoallv {:.2} GiB/s, \
             exchange::alltoallv {:.2} GiB/s, ratio {:.0}%",
            moved as f64 / (1 << 20) as f64,
            moved as f64 / b / gib,
            moved as f64 / o / gib,
            100.0 * b / o
        );
        println!(
            "parts written for the exchange (reversed): packed whole, then exchange::alltoallv \
             {th:.3} s; exchange::alltoallv_packed {pk:.3} s, ratio {:.0}%",
            100.0 * th / pk
        );
        println!(
            "  the same parts sent as they lie, reversed on arrival (exchange::alltoallv_ranges): \
             {ar:.3} s, {:.0}% of packed whole then exchanged",
            100.0 * th / ar
        );
    }
}
