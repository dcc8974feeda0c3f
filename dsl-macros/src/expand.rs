//! IR -> Rust: a unit struct and its `Protocol` impl that rebuilds the IR.
//! Expansion is pure: every check ran in `dsl_core::syntax` before.

use dsl_core::ir::*;
use dsl_core::syntax::{front_end, FrontEnd};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Front end, then either the expansion or the errors plus a stub struct, so
/// that the user sees the real errors and not a cascade of "cannot find type".
pub fn protocol(input: TokenStream) -> TokenStream {
    let FrontEnd { def, ir, error } = front_end(input);
    match (ir, error) {
        (Some(ir), None) => expand(&ir),
        (_, error) => {
            let errors = error.map(|e| e.to_compile_error()).unwrap_or_default();
            let stub = def.map(|def| {
                let (vis, name) = (def.vis, def.name);
                quote! {
                    #vis struct #name;
                    impl ::distgen::Protocol for #name {
                        const NAME: &'static str = stringify!(#name);
                        fn ir() -> ::distgen::ir::ProtocolIr { unreachable!() }
                    }
                }
            });
            quote! { #errors #stub }
        }
    }
}

fn expand(ir: &ProtocolIr) -> TokenStream {
    let name = format_ident!("{}", ir.name);
    let vis = if ir.public { quote!(pub) } else { quote!() };
    let docs = &ir.docs;
    let name_str = &ir.name;
    let public = ir.public;
    let faults = fault_model(ir.faults);
    let requires = ir.requires.iter().map(cond);
    let messages = &ir.messages;
    let broadcast = match &ir.broadcast {
        Some(b) => {
            let value = &b.value;
            let effects = b.effects.iter().map(effect);
            quote!(::core::option::Option::Some(::distgen::ir::Broadcast {
                value: ::std::string::String::from(#value),
                effects: ::std::vec![#(#effects),*],
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let rules = ir.rules.iter().map(|r| {
        let value = &r.value;
        let guards = r.guards.iter().map(guard);
        let effects = r.effects.iter().map(effect);
        quote!(::distgen::ir::Rule {
            value: ::std::string::String::from(#value),
            guards: ::std::vec![#(#guards),*],
            effects: ::std::vec![#(#effects),*],
        })
    });
    let problem = match ir.problem {
        Problem::Broadcast => quote!(::distgen::ir::Problem::Broadcast),
        Problem::Consensus => quote!(::distgen::ir::Problem::Consensus),
    };
    let consensus = consensus(&ir.consensus);
    quote! {
        #(#[doc = #docs])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        #vis struct #name;

        impl ::distgen::Protocol for #name {
            const NAME: &'static str = #name_str;
            fn ir() -> ::distgen::ir::ProtocolIr {
                ::distgen::ir::ProtocolIr {
                    name: ::std::string::String::from(#name_str),
                    docs: ::std::vec![#(::std::string::String::from(#docs)),*],
                    public: #public,
                    faults: #faults,
                    requires: ::std::vec![#(#requires),*],
                    messages: ::std::vec![#(::std::string::String::from(#messages)),*],
                    broadcast: #broadcast,
                    rules: ::std::vec![#(#rules),*],
                    problem: #problem,
                    consensus: #consensus,
                }
            }
        }
    }
}

fn handler(h: &Handler) -> TokenStream {
    let value = &h.value;
    let effects = h.effects.iter().map(effect);
    quote!(::distgen::ir::Handler {
        value: ::std::string::String::from(#value),
        effects: ::std::vec![#(#effects),*],
    })
}

fn threshold(t: &Threshold) -> TokenStream {
    let strict = t.strict;
    let e = expr(&t.expr);
    quote!(::distgen::ir::Threshold { strict: #strict, expr: #e })
}

fn consensus(c: &Consensus) -> TokenStream {
    let propose = match &c.propose {
        Some(h) => {
            let h = handler(h);
            quote!(::core::option::Option::Some(#h))
        }
        None => quote!(::core::option::Option::None),
    };
    let upon = c.upon.iter().map(|u| {
        let msg = u.msg;
        let t = threshold(&u.threshold);
        let arms = u.arms.iter().map(|a| {
            let value = &a.value;
            let counts = a.counts.iter().map(|c| {
                let msg = c.msg;
                let t = threshold(&c.threshold);
                quote!(::distgen::ir::Count { msg: #msg, threshold: #t })
            });
            let effects = a.effects.iter().map(effect);
            quote!(::distgen::ir::Arm {
                value: ::std::string::String::from(#value),
                counts: ::std::vec![#(#counts),*],
                effects: ::std::vec![#(#effects),*],
            })
        });
        let otherwise = match &u.otherwise {
            Some(effects) => {
                let effects = effects.iter().map(effect);
                quote!(::core::option::Option::Some(::std::vec![#(#effects),*]))
            }
            None => quote!(::core::option::Option::None),
        };
        quote!(::distgen::ir::Upon {
            msg: #msg,
            threshold: #t,
            arms: ::std::vec![#(#arms),*],
            otherwise: #otherwise,
        })
    });
    let one_step = c.one_step.iter().map(cond);
    quote!(::distgen::ir::Consensus {
        propose: #propose,
        upon: ::std::vec![#(#upon),*],
        one_step: ::std::vec![#(#one_step),*],
    })
}

fn fault_model(f: FaultModel) -> TokenStream {
    match f {
        FaultModel::None => quote!(::distgen::ir::FaultModel::None),
        FaultModel::Crash => quote!(::distgen::ir::FaultModel::Crash),
        FaultModel::Byzantine => quote!(::distgen::ir::FaultModel::Byzantine),
    }
}

fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Int(k) => quote!(::distgen::ir::Expr::Int(#k)),
        Expr::N => quote!(::distgen::ir::Expr::N),
        Expr::F => quote!(::distgen::ir::Expr::F),
        Expr::Bin(op, a, b) => {
            let op = match op {
                BinOp::Add => quote!(Add),
                BinOp::Sub => quote!(Sub),
                BinOp::Mul => quote!(Mul),
                BinOp::Div => quote!(Div),
            };
            let (a, b) = (expr(a), expr(b));
            quote!(::distgen::ir::Expr::bin(::distgen::ir::BinOp::#op, #a, #b))
        }
    }
}

fn cond(c: &Cond) -> TokenStream {
    let op = match c.op {
        CmpOp::Gt => quote!(Gt),
        CmpOp::Ge => quote!(Ge),
        CmpOp::Eq => quote!(Eq),
        CmpOp::Lt => quote!(Lt),
        CmpOp::Le => quote!(Le),
    };
    let (lhs, rhs) = (expr(&c.lhs), expr(&c.rhs));
    quote!(::distgen::ir::Cond { lhs: #lhs, op: ::distgen::ir::CmpOp::#op, rhs: #rhs })
}

fn guard(g: &Guard) -> TokenStream {
    match g {
        Guard::Received { msg, quorum } => {
            let quorum = match quorum {
                Quorum::FromBroadcaster => quote!(::distgen::ir::Quorum::FromBroadcaster),
                Quorum::AtLeast(k) => {
                    let k = expr(k);
                    quote!(::distgen::ir::Quorum::AtLeast(#k))
                }
                Quorum::AtLeastExcluding(k) => {
                    let k = expr(k);
                    quote!(::distgen::ir::Quorum::AtLeastExcluding(#k))
                }
            };
            quote!(::distgen::ir::Guard::Received { msg: #msg, quorum: #quorum })
        }
        Guard::NotSent { msg } => quote!(::distgen::ir::Guard::NotSent { msg: #msg }),
    }
}

fn effect(e: &Effect) -> TokenStream {
    match e {
        Effect::Send { msg, to } => {
            let to = match to {
                Dest::All => quote!(All),
                Dest::Others => quote!(Others),
                Dest::Myself => quote!(Myself),
            };
            quote!(::distgen::ir::Effect::Send { msg: #msg, to: ::distgen::ir::Dest::#to })
        }
        Effect::Deliver => quote!(::distgen::ir::Effect::Deliver),
        Effect::Decide => quote!(::distgen::ir::Effect::Decide),
        Effect::Handover(dsl_core::ir::Estimate::Value) => {
            quote!(::distgen::ir::Effect::Handover(
                ::distgen::ir::Estimate::Value
            ))
        }
        Effect::Handover(dsl_core::ir::Estimate::Proposal) => {
            quote!(::distgen::ir::Effect::Handover(
                ::distgen::ir::Estimate::Proposal
            ))
        }
    }
}
