"""Everything the bot says, per language (pt-BR first, en, es).

Templates are HTML (Telegram parse mode HTML); placeholders are filled with `str.format` and any
value that comes from a user must be escaped by the caller (`html.escape`). Every key exists in
every language (a test checks it); a missing key is a KeyError, never a silent English text.
"""

from __future__ import annotations

LANGUAGES = ("pt", "en", "es")

_TEXTS: dict[str, dict[str, str]] = {
    "pt": {
        "incident_known": (
            "⚠️ Já sabemos de um problema que afeta vários assinantes e nossa equipe está trabalhando "
            "nele. Seu relato entrou no chamado <b>{ticket}</b>; as novidades chegam aqui.\n"
            "Última atualização: {status}"
        ),
        "incident_investigating": "investigando a causa",
        "incident_update": "📢 Atualização sobre o problema ({ticket}):\n{text}",
        "incident_resolved": (
            "✅ O problema que afetava vários assinantes foi resolvido e o chamado <b>{ticket}</b> "
            "foi encerrado.{note}\nComo foi o atendimento?"
        ),
        "welcome": (
            "Olá, {name}! 👋 Sou o atendimento da sua TV.\nEscolha uma opção ou escreva o que aconteceu."
        ),
        "help": (
            "Como posso ajudar:\n"
            "• Escreva sua dúvida ou o problema com suas palavras.\n"
            "• /status: ver seu chamado\n• /cancel: encerrar seu chamado\n"
            "• /link &lt;código&gt;: vincular sua assinatura\n• Ou toque em um botão abaixo."
        ),
        "menu_report": "📺 Relatar problema",
        "menu_faq": "❓ Dúvidas",
        "menu_human": "🙋 Falar com atendente",
        "menu_status": "🎫 Meu chamado",
        "menu_share_phone": "📱 Compartilhar meu telefone",
        "ask_problem": "Conte o que está acontecendo: quais canais, em qual aparelho, desde quando.",
        "faq_topics": "Alguns assuntos frequentes. Toque em um ou escreva sua pergunta:",
        "faq_helpful": "Isso ajudou?",
        "yes": "👍 Sim",
        "no": "👎 Não",
        "faq_thanks": "Que bom! Se precisar, é só escrever. 😊",
        "faq_suggest": "Não tenho certeza se entendi. Você quis dizer:",
        "unknown": "Não entendi bem. Pode explicar com outras palavras, ou escolher uma opção:",
        "greeting": "Olá, {name}! Como posso ajudar?",
        "ticket_created": (
            "Abri o chamado <b>{ticket}</b> para você.\nPrioridade: <b>{priority}</b> ({reasons}).\n{queue}"
        ),
        "ticket_reopened": "Reabri o seu chamado <b>{ticket}</b>. Prioridade: <b>{priority}</b>.\n{queue}",
        "ticket_appended": "Recebido, adicionei ao chamado <b>{ticket}</b>.",
        "queue_position": "Você é o {position}º da fila. Tempo estimado: {wait}.",
        "queue_claimed": "Um atendente já está cuidando do seu caso.",
        "status_none": "Você não tem chamado aberto. Escreva se precisar de ajuda.",
        "status": "Chamado <b>{ticket}</b>: {state}. Prioridade: <b>{priority}</b>.\n{queue}",
        "state_open": "aguardando atendente",
        "state_claimed": "em atendimento",
        "state_resolved": "resolvido",
        "cancelled": "Chamado <b>{ticket}</b> encerrado a seu pedido. Se precisar, é só escrever.",
        "cancel_none": "Você não tem chamado aberto para encerrar.",
        "agent_reply": "💬 <b>Atendente</b> ({ticket}):\n{text}",
        "claimed_notice": "👤 {agent} está cuidando do seu chamado <b>{ticket}</b>.",
        "resolved_notice": "✅ Seu chamado <b>{ticket}</b> foi resolvido.{note}\nComo foi o atendimento?",
        "rated": "Obrigado pela avaliação! ⭐",
        "already_rated": "Este atendimento já foi avaliado. Obrigado!",
        "link_ok": "Pronto! Assinatura <b>{subscriber}</b> vinculada (plano {plan}).",
        "link_not_found": "Não encontrei essa assinatura. Confira o código ou compartilhe seu telefone.",
        "link_usage": "Envie /link seguido do código da assinatura, por exemplo: /link S1001",
        "link_share_prompt": (
            "Para identificar sua assinatura, toque no botão para compartilhar seu telefone."
        ),
        "contact_not_own": "Por segurança, só aceito o seu próprio número. Use o botão de compartilhar.",
        "unknown_command": "Não conheço esse comando. Veja /help.",
        "attachment_no_ticket": "Recebi o arquivo. Descreva em texto o problema para eu abrir um chamado.",
        "too_long": "Mensagem recebida (parte {part} de {parts}).",
        "error": "Desculpe, algo deu errado aqui. Tente novamente em instantes.",
        "wait_minutes": "cerca de {n} min",
        "wait_hours": "cerca de {n} h",
        "wait_within": "até {n}",
        "priority_P1": "urgente",
        "priority_P2": "alta",
        "priority_P3": "normal",
        "priority_P4": "baixa",
    },
    "en": {
        "incident_known": (
            "⚠️ We already know about a problem affecting several subscribers and our team is working "
            "on it. Your report was added to ticket <b>{ticket}</b>; news will come here.\n"
            "Latest status: {status}"
        ),
        "incident_investigating": "investigating the cause",
        "incident_update": "📢 Update on the problem ({ticket}):\n{text}",
        "incident_resolved": (
            "✅ The problem affecting several subscribers is fixed and ticket <b>{ticket}</b> "
            "is closed.{note}\nHow was our support?"
        ),
        "welcome": "Hi, {name}! 👋 This is your TV support.\nPick an option or tell me what happened.",
        "help": (
            "How I can help:\n"
            "• Write your question or problem in your own words.\n"
            "• /status: see your ticket\n• /cancel: close your ticket\n"
            "• /link &lt;code&gt;: link your subscription\n• Or tap a button below."
        ),
        "menu_report": "📺 Report a problem",
        "menu_faq": "❓ Questions",
        "menu_human": "🙋 Talk to a person",
        "menu_status": "🎫 My ticket",
        "menu_share_phone": "📱 Share my phone number",
        "ask_problem": "Tell me what is happening: which channels, which device, since when.",
        "faq_topics": "Some frequent topics. Tap one or type your question:",
        "faq_helpful": "Did this help?",
        "yes": "👍 Yes",
        "no": "👎 No",
        "faq_thanks": "Great! Write any time you need help. 😊",
        "faq_suggest": "I am not sure I understood. Did you mean:",
        "unknown": "I did not quite get that. Could you say it another way, or pick an option:",
        "greeting": "Hi, {name}! How can I help?",
        "ticket_created": (
            "I opened ticket <b>{ticket}</b> for you.\nPriority: <b>{priority}</b> ({reasons}).\n{queue}"
        ),
        "ticket_reopened": "I reopened your ticket <b>{ticket}</b>. Priority: <b>{priority}</b>.\n{queue}",
        "ticket_appended": "Got it, added to ticket <b>{ticket}</b>.",
        "queue_position": "You are number {position} in the queue. Expected wait: {wait}.",
        "queue_claimed": "An agent is already working on your case.",
        "status_none": "You have no open ticket. Write to me if you need help.",
        "status": "Ticket <b>{ticket}</b>: {state}. Priority: <b>{priority}</b>.\n{queue}",
        "state_open": "waiting for an agent",
        "state_claimed": "being handled",
        "state_resolved": "resolved",
        "cancelled": "Ticket <b>{ticket}</b> closed as you asked. Write any time you need help.",
        "cancel_none": "You have no open ticket to close.",
        "agent_reply": "💬 <b>Agent</b> ({ticket}):\n{text}",
        "claimed_notice": "👤 {agent} is handling your ticket <b>{ticket}</b>.",
        "resolved_notice": "✅ Your ticket <b>{ticket}</b> was resolved.{note}\nHow was the help you got?",
        "rated": "Thank you for your rating! ⭐",
        "already_rated": "This ticket was already rated. Thank you!",
        "link_ok": "Done! Subscription <b>{subscriber}</b> linked ({plan} plan).",
        "link_not_found": "I could not find that subscription. Check the code or share your phone number.",
        "link_usage": "Send /link followed by your subscription code, for example: /link S1001",
        "link_share_prompt": "To find your subscription, tap the button to share your phone number.",
        "contact_not_own": "For your safety I only accept your own number. Please use the share button.",
        "unknown_command": "I do not know that command. See /help.",
        "attachment_no_ticket": "I got the file. Please describe the problem in text so I can open a ticket.",
        "too_long": "Message received (part {part} of {parts}).",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
        "wait_minutes": "about {n} min",
        "wait_hours": "about {n} h",
        "wait_within": "within {n}",
        "priority_P1": "urgent",
        "priority_P2": "high",
        "priority_P3": "normal",
        "priority_P4": "low",
    },
    "es": {
        "incident_known": (
            "⚠️ Ya sabemos de un problema que afecta a varios suscriptores y nuestro equipo está "
            "trabajando en él. Tu reporte se agregó al ticket <b>{ticket}</b>; las novedades llegan aquí.\n"
            "Última actualización: {status}"
        ),
        "incident_investigating": "investigando la causa",
        "incident_update": "📢 Actualización sobre el problema ({ticket}):\n{text}",
        "incident_resolved": (
            "✅ El problema que afectaba a varios suscriptores se resolvió y el ticket <b>{ticket}</b> "
            "fue cerrado.{note}\n¿Cómo fue la atención?"
        ),
        "welcome": "¡Hola, {name}! 👋 Soy el soporte de tu TV.\nElige una opción o cuéntame qué pasó.",
        "help": (
            "Cómo puedo ayudarte:\n"
            "• Escribe tu duda o el problema con tus palabras.\n"
            "• /status: ver tu ticket\n• /cancel: cerrar tu ticket\n"
            "• /link &lt;código&gt;: vincular tu suscripción\n• O toca un botón abajo."
        ),
        "menu_report": "📺 Reportar problema",
        "menu_faq": "❓ Preguntas",
        "menu_human": "🙋 Hablar con una persona",
        "menu_status": "🎫 Mi ticket",
        "menu_share_phone": "📱 Compartir mi teléfono",
        "ask_problem": "Cuéntame qué pasa: qué canales, en qué dispositivo, desde cuándo.",
        "faq_topics": "Algunos temas frecuentes. Toca uno o escribe tu pregunta:",
        "faq_helpful": "¿Te ayudó?",
        "yes": "👍 Sí",
        "no": "👎 No",
        "faq_thanks": "¡Qué bien! Escríbeme cuando lo necesites. 😊",
        "faq_suggest": "No estoy seguro de haber entendido. ¿Quisiste decir:",
        "unknown": "No entendí bien. ¿Puedes decirlo de otra forma, o elegir una opción?",
        "greeting": "¡Hola, {name}! ¿En qué puedo ayudarte?",
        "ticket_created": (
            "Abrí el ticket <b>{ticket}</b> para ti.\nPrioridad: <b>{priority}</b> ({reasons}).\n{queue}"
        ),
        "ticket_reopened": "Reabrí tu ticket <b>{ticket}</b>. Prioridad: <b>{priority}</b>.\n{queue}",
        "ticket_appended": "Recibido, lo agregué al ticket <b>{ticket}</b>.",
        "queue_position": "Eres el número {position} en la fila. Espera estimada: {wait}.",
        "queue_claimed": "Un agente ya está atendiendo tu caso.",
        "status_none": "No tienes ningún ticket abierto. Escríbeme si necesitas ayuda.",
        "status": "Ticket <b>{ticket}</b>: {state}. Prioridad: <b>{priority}</b>.\n{queue}",
        "state_open": "esperando a un agente",
        "state_claimed": "en atención",
        "state_resolved": "resuelto",
        "cancelled": "Ticket <b>{ticket}</b> cerrado como pediste. Escríbeme cuando lo necesites.",
        "cancel_none": "No tienes ningún ticket abierto para cerrar.",
        "agent_reply": "💬 <b>Agente</b> ({ticket}):\n{text}",
        "claimed_notice": "👤 {agent} está atendiendo tu ticket <b>{ticket}</b>.",
        "resolved_notice": "✅ Tu ticket <b>{ticket}</b> fue resuelto.{note}\n¿Cómo fue la atención?",
        "rated": "¡Gracias por tu calificación! ⭐",
        "already_rated": "Este ticket ya fue calificado. ¡Gracias!",
        "link_ok": "¡Listo! Suscripción <b>{subscriber}</b> vinculada (plan {plan}).",
        "link_not_found": "No encontré esa suscripción. Revisa el código o comparte tu teléfono.",
        "link_usage": "Envía /link seguido del código de suscripción, por ejemplo: /link S1001",
        "link_share_prompt": "Para encontrar tu suscripción, toca el botón para compartir tu teléfono.",
        "contact_not_own": "Por seguridad solo acepto tu propio número. Usa el botón de compartir.",
        "unknown_command": "No conozco ese comando. Mira /help.",
        "attachment_no_ticket": "Recibí el archivo. Describe el problema en texto para abrir un ticket.",
        "too_long": "Mensaje recibido (parte {part} de {parts}).",
        "error": "Lo siento, algo salió mal. Inténtalo de nuevo en un momento.",
        "wait_minutes": "unos {n} min",
        "wait_hours": "unas {n} h",
        "wait_within": "dentro de {n}",
        "priority_P1": "urgente",
        "priority_P2": "alta",
        "priority_P3": "normal",
        "priority_P4": "baja",
    },
}

_AGENT_TEXTS: dict[str, dict[str, str]] = {
    "pt": {
        "inc_title": "Incidente",
        "inc_auto_title": "Queda relatada por vários assinantes",
        "inc_scope": "Escopo",
        "inc_scope_global": "todos",
        "inc_affected": "Afetados: <b>{count}</b> (premium: {premium})",
        "inc_regions": "Regiões",
        "inc_channels": "Canais",
        "inc_status": "Status",
        "inc_no_status": "nenhuma atualização enviada ainda",
        "inc_opened_at": "Aberto",
        "inc_resolved": "✅ Resolvido após {time}",
        "inc_commands": "/incident update {label} texto · /incident resolve {label} [texto]",
        "inc_usage": (
            "Uso: /incident open título · /incident list · /incident update [I1] texto · "
            "/incident resolve [I1] [texto] (sem id: o incidente aberto mais recente)"
        ),
        "inc_opened_ok": "🚨 Incidente {label} aberto.",
        "inc_exists": "Já existe o incidente {label} aberto para todos.",
        "inc_none": "Nenhum incidente aberto.",
        "inc_list_title": "Incidentes:",
        "inc_update_sent": "📢 Atualização de {label} a caminho de {count} assinantes.",
        "inc_resolved_ok": "✅ {label} resolvido; avisando {count} assinantes.",
        "claim": "Assumir",
        "release": "Liberar",
        "resolve": "Resolver",
        "up": "▲ Prioridade",
        "down": "▼ Prioridade",
        "card_customer": "Cliente",
        "card_reasons": "Motivos",
        "card_due": "1ª resposta até",
        "card_due_next": "Resposta até",
        "card_due_resolution": "Resolver até",
        "card_claimed_by": "Com",
        "card_waiting": "Na fila",
        "card_resolved": "Resolvido por",
        "state_closed": "Encerrado",
        "card_withdrawn": "Encerrado pelo cliente",
        "card_unreachable": "⚠️ Cliente bloqueou o bot (inalcançável)",
        "card_not_linked": "não vinculado",
        "card_notes": "📝 Notas internas",
        "tier_basic": "básico",
        "tier_standard": "padrão",
        "tier_premium": "premium",
        "intent_outage": "queda",
        "intent_faq": "dúvida",
        "intent_billing": "cobrança",
        "intent_cancel": "cancelamento",
        "intent_human": "pede atendente",
        "intent_greeting": "saudação",
        "intent_unknown": "não classificado",
        "impact_total": "total",
        "impact_partial": "parcial",
        "card_rating": "Avaliação",
        "not_agent": "Apenas atendentes podem fazer isso.",
        "bad_button": "Este botão não é válido (talvez antigo). Nada foi alterado.",
        "refused_not_found": "O chamado {ticket} não existe.",
        "refused_claimed": "{ticket} já está com {holder}.",
        "refused_resolved": "{ticket} já foi resolvido.",
        "refused_open": "{ticket} está na fila: ninguém o assumiu.",
        "refused_not_holder": "{ticket} está com {holder}; só essa pessoa ou um supervisor pode liberá-lo.",
        "refused_busy": "O chamado mudou várias vezes ao mesmo tempo; nada foi feito. Tente de novo.",
        "nobody": "ninguém",
        "claimed_ok": "{ticket} é seu.",
        "released_ok": "{ticket} voltou para a fila.",
        "released_by_other": "↩️ {by} tirou {ticket} de {holder}; o chamado voltou para a fila.",
        "resolved_ok": "{ticket} resolvido.",
        "priority_ok": "{ticket} agora é {priority}.",
        "priority_usage": "Prioridade inválida: use P1, P2, P3 ou P4 (ex.: /priority 3 P2).",
        "number_usage": "Número de chamado inválido: use só os algarismos 0-9 (ex.: /{command} 12).",
        "resolve_usage": (
            "Para resolver: /resolve N. Para resolver e escrever ao cliente: "
            "/resolve N msg texto. Nota interna (o cliente não vê): /note N texto."
        ),
        "too_long_input": "⚠️ Texto longo demais: {length} caracteres (máximo {limit}). Nada foi feito.",
        "relayed": "✉️ Enviado ao cliente ({ticket}).",
        "reply_held": (
            "⚠️ {ticket} está com {holder}. Sua resposta NÃO foi "
            "enviada ao cliente; envie só se combinou com {holder}."
        ),
        "send_anyway": "Enviar mesmo assim",
        "reply_gone": "Essa resposta não está mais pendente (expirou ou já foi enviada).",
        "reply_not_yours": "Só quem escreveu a resposta pode enviá-la.",
        "noted": "📝 Nota registrada em {ticket}.",
        "relay_failed": "⚠️ Não consegui entregar ao cliente de {ticket}: bloqueou o bot.",
        "relay_error": "⚠️ Não consegui entregar ao cliente de {ticket}. Tente de novo em instantes.",
        "queue_empty": "Fila vazia. 🎉",
        "queue_title": "Fila ({count}):",
        "queue_page": "Fila ({count}), página {page} de {pages}:",
        "queue_more": "… e mais {count}: /queue {page}",
        "mine_empty": "Você não tem chamados.",
        "mine_title": "Seus chamados:",
        "customer_says": "💬 {ticket} {name}:",
        "usage": (
            "Comandos: /queue [página], /next, /mine, /claim N, /release N, "
            "/resolve N [msg texto ao cliente], "
            "/priority N P1..P4, /reply N texto, /note N nota interna, /oncall [take|handover nota], "
            "/incident open|list|update|resolve. "
            "Responda a um card para falar com o cliente."
        ),
        "no_ticket_for_reply": "Responda a um card de chamado (ou use /reply N texto).",
        "left": "restam {time}",
        "overdue": "atrasado {time}",
        "report_title": "📊 Backlog agora",
        "report_open": "Abertos na fila",
        "report_claimed": "Em atendimento",
        "report_oldest": "Mais antigo esperando",
        "report_none": "nenhum",
        "oncall_now": "De plantão",
        "oncall_handover": "Troca de plantão",
        "oncall_open": "Chamados abertos",
        "oncall_near": "Perto do prazo",
        "oncall_breached": "Prazo estourado",
        "oncall_note_saved": "📝 Nota guardada para a próxima troca de plantão.",
        "sla_warn": "prazo se aproximando",
        "sla_breach": "prazo estourado",
        "sla_renotify": "ainda sem resposta",
        "sla_managers": "prazo estourado e ninguém reagiu",
        "sla_digest": "{count} chamados precisam de atenção",
        "and_more": "… e mais {count}",
        "claim_timeout": "↩️ {ticket} voltou para a fila: {agent} não respondeu a tempo.",
        "card_breached": "🚨 Prazo estourado",
    },
    "en": {
        "inc_title": "Incident",
        "inc_auto_title": "Outage reported by many subscribers",
        "inc_scope": "Scope",
        "inc_scope_global": "everyone",
        "inc_affected": "Affected: <b>{count}</b> (premium: {premium})",
        "inc_regions": "Regions",
        "inc_channels": "Channels",
        "inc_status": "Status",
        "inc_no_status": "no update sent yet",
        "inc_opened_at": "Opened",
        "inc_resolved": "✅ Resolved after {time}",
        "inc_commands": "/incident update {label} text · /incident resolve {label} [text]",
        "inc_usage": (
            "Usage: /incident open title · /incident list · /incident update [I1] text · "
            "/incident resolve [I1] [text] (no id: the newest open incident)"
        ),
        "inc_opened_ok": "🚨 Incident {label} opened.",
        "inc_exists": "Incident {label} is already open for everyone.",
        "inc_none": "No open incident.",
        "inc_list_title": "Incidents:",
        "inc_update_sent": "📢 Update of {label} on its way to {count} subscribers.",
        "inc_resolved_ok": "✅ {label} resolved; telling {count} subscribers.",
        "claim": "Claim",
        "release": "Release",
        "resolve": "Resolve",
        "up": "▲ Priority",
        "down": "▼ Priority",
        "card_customer": "Customer",
        "card_reasons": "Reasons",
        "card_due": "First response due",
        "card_due_next": "Response due",
        "card_due_resolution": "Resolve by",
        "card_claimed_by": "With",
        "card_waiting": "In queue",
        "card_resolved": "Resolved by",
        "state_closed": "Closed",
        "card_withdrawn": "Withdrawn by the customer",
        "card_unreachable": "⚠️ Customer blocked the bot (unreachable)",
        "card_not_linked": "not linked",
        "card_notes": "📝 Internal notes",
        "tier_basic": "basic",
        "tier_standard": "standard",
        "tier_premium": "premium",
        "intent_outage": "outage",
        "intent_faq": "question",
        "intent_billing": "billing",
        "intent_cancel": "cancellation",
        "intent_human": "asks for a person",
        "intent_greeting": "greeting",
        "intent_unknown": "unclassified",
        "impact_total": "total",
        "impact_partial": "partial",
        "card_rating": "Rating",
        "not_agent": "Only agents can do that.",
        "bad_button": "This button is not valid (maybe outdated). Nothing changed.",
        "refused_not_found": "Ticket {ticket} does not exist.",
        "refused_claimed": "{ticket} is already held by {holder}.",
        "refused_resolved": "{ticket} is already resolved.",
        "refused_open": "{ticket} is in the queue: nobody holds it.",
        "refused_not_holder": "{ticket} is held by {holder}; only they or a supervisor can release it.",
        "refused_busy": "The ticket changed several times at once; nothing was done. Try again.",
        "nobody": "nobody",
        "claimed_ok": "{ticket} is yours.",
        "released_ok": "{ticket} is back in the queue.",
        "released_by_other": "↩️ {by} took {ticket} from {holder}; it is back in the queue.",
        "resolved_ok": "{ticket} resolved.",
        "priority_ok": "{ticket} is now {priority}.",
        "priority_usage": "Not a priority: use P1, P2, P3 or P4 (e.g. /priority 3 P2).",
        "number_usage": "Not a ticket number: use the digits 0-9 only (e.g. /{command} 12).",
        "resolve_usage": (
            "To resolve: /resolve N. To resolve and write to the customer: "
            "/resolve N msg text. Internal note (the customer never sees it): /note N text."
        ),
        "too_long_input": "⚠️ Text too long: {length} characters (at most {limit}). Nothing was done.",
        "relayed": "✉️ Sent to the customer ({ticket}).",
        "reply_held": (
            "⚠️ {ticket} is held by {holder}. Your answer was NOT "
            "sent to the customer; send it only if {holder} agrees."
        ),
        "send_anyway": "Send anyway",
        "reply_gone": "That answer is no longer pending (it expired or was already sent).",
        "reply_not_yours": "Only whoever wrote the answer can send it.",
        "noted": "📝 Note added to {ticket}.",
        "relay_failed": "⚠️ Could not deliver to the customer of {ticket}: they blocked the bot.",
        "relay_error": "⚠️ Could not deliver to the customer of {ticket}. Try again in a moment.",
        "queue_empty": "Queue is empty. 🎉",
        "queue_title": "Queue ({count}):",
        "queue_page": "Queue ({count}), page {page} of {pages}:",
        "queue_more": "… and {count} more: /queue {page}",
        "mine_empty": "You hold no tickets.",
        "mine_title": "Your tickets:",
        "customer_says": "💬 {ticket} {name}:",
        "usage": (
            "Commands: /queue [page], /next, /mine, /claim N, /release N, "
            "/resolve N [msg text to the customer], "
            "/priority N P1..P4, /reply N text, /note N internal note, /oncall [take|handover note], "
            "/incident open|list|update|resolve. "
            "Reply to a card to talk to the customer."
        ),
        "no_ticket_for_reply": "Reply to a ticket card (or use /reply N text).",
        "left": "{time} left",
        "overdue": "overdue by {time}",
        "report_title": "📊 Backlog now",
        "report_open": "Waiting in queue",
        "report_claimed": "Being handled",
        "report_oldest": "Oldest waiting",
        "report_none": "none",
        "oncall_now": "On call",
        "oncall_handover": "Shift handover",
        "oncall_open": "Open tickets",
        "oncall_near": "Near breach",
        "oncall_breached": "Breached",
        "oncall_note_saved": "📝 Note saved for the next handover.",
        "sla_warn": "deadline approaching",
        "sla_breach": "deadline breached",
        "sla_renotify": "still unanswered",
        "sla_managers": "deadline breached and nobody reacted",
        "sla_digest": "{count} tickets need attention",
        "and_more": "… and {count} more",
        "claim_timeout": "↩️ {ticket} is back in the queue: {agent} did not answer in time.",
        "card_breached": "🚨 Deadline breached",
    },
    "es": {
        "inc_title": "Incidente",
        "inc_auto_title": "Caída reportada por varios suscriptores",
        "inc_scope": "Alcance",
        "inc_scope_global": "todos",
        "inc_affected": "Afectados: <b>{count}</b> (premium: {premium})",
        "inc_regions": "Regiones",
        "inc_channels": "Canales",
        "inc_status": "Estado",
        "inc_no_status": "ninguna actualización enviada aún",
        "inc_opened_at": "Abierto",
        "inc_resolved": "✅ Resuelto después de {time}",
        "inc_commands": "/incident update {label} texto · /incident resolve {label} [texto]",
        "inc_usage": (
            "Uso: /incident open título · /incident list · /incident update [I1] texto · "
            "/incident resolve [I1] [texto] (sin id: el incidente abierto más reciente)"
        ),
        "inc_opened_ok": "🚨 Incidente {label} abierto.",
        "inc_exists": "Ya hay un incidente {label} abierto para todos.",
        "inc_none": "Ningún incidente abierto.",
        "inc_list_title": "Incidentes:",
        "inc_update_sent": "📢 Actualización de {label} en camino a {count} suscriptores.",
        "inc_resolved_ok": "✅ {label} resuelto; avisando a {count} suscriptores.",
        "claim": "Tomar",
        "release": "Liberar",
        "resolve": "Resolver",
        "up": "▲ Prioridad",
        "down": "▼ Prioridad",
        "card_customer": "Cliente",
        "card_reasons": "Motivos",
        "card_due": "1.ª respuesta antes de",
        "card_due_next": "Respuesta antes de",
        "card_due_resolution": "Resolver antes de",
        "card_claimed_by": "Con",
        "card_waiting": "En fila",
        "card_resolved": "Resuelto por",
        "state_closed": "Cerrado",
        "card_withdrawn": "Cerrado por el cliente",
        "card_unreachable": "⚠️ El cliente bloqueó el bot (inalcanzable)",
        "card_not_linked": "no vinculado",
        "card_notes": "📝 Notas internas",
        "tier_basic": "básico",
        "tier_standard": "estándar",
        "tier_premium": "premium",
        "intent_outage": "caída",
        "intent_faq": "duda",
        "intent_billing": "facturación",
        "intent_cancel": "cancelación",
        "intent_human": "pide una persona",
        "intent_greeting": "saludo",
        "intent_unknown": "sin clasificar",
        "impact_total": "total",
        "impact_partial": "parcial",
        "card_rating": "Calificación",
        "not_agent": "Solo los agentes pueden hacer eso.",
        "bad_button": "Este botón no es válido (quizá antiguo). No se cambió nada.",
        "refused_not_found": "El ticket {ticket} no existe.",
        "refused_claimed": "{ticket} ya lo tiene {holder}.",
        "refused_resolved": "{ticket} ya está resuelto.",
        "refused_open": "{ticket} está en la fila: nadie lo tomó.",
        "refused_not_holder": "{ticket} lo tiene {holder}; solo esa persona o un supervisor puede liberarlo.",
        "refused_busy": "El ticket cambió varias veces a la vez; no se hizo nada. Inténtalo de nuevo.",
        "nobody": "nadie",
        "claimed_ok": "{ticket} es tuyo.",
        "released_ok": "{ticket} volvió a la fila.",
        "released_by_other": "↩️ {by} le quitó {ticket} a {holder}; volvió a la fila.",
        "resolved_ok": "{ticket} resuelto.",
        "priority_ok": "{ticket} ahora es {priority}.",
        "priority_usage": "Prioridad no válida: usa P1, P2, P3 o P4 (ej.: /priority 3 P2).",
        "number_usage": "Número de ticket no válido: usa solo los dígitos 0-9 (ej.: /{command} 12).",
        "resolve_usage": (
            "Para resolver: /resolve N. Para resolver y escribir al cliente: "
            "/resolve N msg texto. Nota interna (el cliente no la ve): /note N texto."
        ),
        "too_long_input": "⚠️ Texto demasiado largo: {length} caracteres (máximo {limit}). No se hizo nada.",
        "relayed": "✉️ Enviado al cliente ({ticket}).",
        "reply_held": (
            "⚠️ {ticket} lo tiene {holder}. Tu respuesta NO se "
            "envió al cliente; envíala solo si {holder} está de acuerdo."
        ),
        "send_anyway": "Enviar de todos modos",
        "reply_gone": "Esa respuesta ya no está pendiente (venció o ya se envió).",
        "reply_not_yours": "Solo quien escribió la respuesta puede enviarla.",
        "noted": "📝 Nota agregada a {ticket}.",
        "relay_failed": "⚠️ No pude entregar al cliente de {ticket}: bloqueó el bot.",
        "relay_error": "⚠️ No pude entregar al cliente de {ticket}. Inténtalo de nuevo en un momento.",
        "queue_empty": "Fila vacía. 🎉",
        "queue_title": "Fila ({count}):",
        "queue_page": "Fila ({count}), página {page} de {pages}:",
        "queue_more": "… y {count} más: /queue {page}",
        "mine_empty": "No tienes tickets.",
        "mine_title": "Tus tickets:",
        "customer_says": "💬 {ticket} {name}:",
        "usage": (
            "Comandos: /queue [página], /next, /mine, /claim N, /release N, "
            "/resolve N [msg texto al cliente], "
            "/priority N P1..P4, /reply N texto, /note N nota interna, /oncall [take|handover nota], "
            "/incident open|list|update|resolve. "
            "Responde a una tarjeta para hablar con el cliente."
        ),
        "no_ticket_for_reply": "Responde a una tarjeta de ticket (o usa /reply N texto).",
        "left": "quedan {time}",
        "overdue": "atrasado {time}",
        "report_title": "📊 Backlog ahora",
        "report_open": "En fila",
        "report_claimed": "En atención",
        "report_oldest": "El más antiguo esperando",
        "report_none": "ninguno",
        "oncall_now": "De guardia",
        "oncall_handover": "Cambio de guardia",
        "oncall_open": "Tickets abiertos",
        "oncall_near": "Cerca del plazo",
        "oncall_breached": "Plazo vencido",
        "oncall_note_saved": "📝 Nota guardada para el próximo cambio de guardia.",
        "sla_warn": "plazo por vencer",
        "sla_breach": "plazo vencido",
        "sla_renotify": "todavía sin respuesta",
        "sla_managers": "plazo vencido y nadie reaccionó",
        "sla_digest": "{count} tickets necesitan atención",
        "and_more": "… y {count} más",
        "claim_timeout": "↩️ {ticket} volvió a la fila: {agent} no respondió a tiempo.",
        "card_breached": "🚨 Plazo vencido",
    },
}


def pick_language(code: str | None, default: str) -> str:
    """Telegram's `language_code` (`pt-br`, `es-419`) to one of ours, else the default."""
    if code:
        base = code.lower().split("-", 1)[0]
        if base in LANGUAGES:
            return base
    return default


def t(language: str, key: str, **values: object) -> str:
    """A customer-facing text in `language` with placeholders filled."""
    return _TEXTS.get(language, _TEXTS["en"])[key].format(**values)


def a(language: str, key: str, **values: object) -> str:
    """An agent-facing text in the agents' language."""
    return _AGENT_TEXTS.get(language, _AGENT_TEXTS["en"])[key].format(**values)
