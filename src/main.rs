use std::process::ExitCode;

#[global_allocator]
static ALLOC: arkouda_server::alloc::CachingAlloc = arkouda_server::alloc::CachingAlloc;

fn main() -> ExitCode {
    match arkouda_server::config::Config::from_env_and_args() {
        Ok(arkouda_server::config::Invocation::Run(config)) => arkouda_server::server::run(*config),
        Ok(arkouda_server::config::Invocation::Print(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("arkouda_server: {e}");
            ExitCode::from(2)
        }
    }
}
