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
        "incident_update": (
            "📢 Atualização sobre o problema ({ticket}). Nossa equipe escreveu{written}:\n"
            "<blockquote>{text}</blockquote>"
        ),
        "incident_note": "\nRecado da equipe{written}:\n<blockquote>{text}</blockquote>",
        "written_in_pt": " (em português)",
        "written_in_en": " (em inglês)",
        "written_in_es": " (em espanhol)",
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
        "faq_ticket_open": "Seu chamado <b>{ticket}</b> continua aberto; anotei esta pergunta nele.",
        "faq_not_helped": "Que pena. Talvez uma destas respostas ajude, ou fale com um atendente:",
        "faq_not_helped_human": "Que pena. Quer falar com um atendente?",
        "faq_not_helped_chosen": "Que pena que não ajudou.",
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
        "account_inactive": (
            "⚠️ Sua assinatura está <b>{status}</b>, e por isso o serviço não funciona. "
            "Para reativar, é só regularizar o pagamento.{how_to_pay}"
        ),
        "account_suspended": "suspensa",
        "account_cancelled": "cancelada",
        "account_expired": "vencida",
        "queue_position": "Você é o {position}º da fila. {wait}",
        "queue_claimed": "Um atendente já está cuidando do seu caso.",
        "released_notice": (
            "Seu chamado <b>{ticket}</b> voltou para a fila: o próximo atendente disponível "
            "vai responder por aqui.\n{queue}"
        ),
        "transferred_notice": (
            "Seu chamado <b>{ticket}</b> foi passado para outra equipe nossa, "
            "que vai responder por aqui.\n{queue}"
        ),
        "priority_changed": (
            "A prioridade do seu chamado <b>{ticket}</b> mudou para <b>{priority}</b>.\n{queue}"
        ),
        "sla_slipped": (
            "⏰ Desculpe: não respondemos o chamado <b>{ticket}</b> no prazo que prometemos. "
            "Ele agora tem prioridade <b>{priority}</b>.\n{queue}"
        ),
        "status_none": "Você não tem chamado aberto. Escreva se precisar de ajuda.",
        "status": "Chamado <b>{ticket}</b>: {state}. Prioridade: <b>{priority}</b>.\n{queue}",
        "state_open": "aguardando atendente",
        "state_claimed": "em atendimento",
        "state_resolved": "resolvido",
        "cancelled": "Chamado <b>{ticket}</b> encerrado a seu pedido. Se precisar, é só escrever.",
        "cancel_none": "Você não tem chamado aberto para encerrar.",
        "agent_reply": "💬 <b>{agent}</b> · chamado {ticket}:\n{text}",
        "blocked_notice": (
            "Suas mensagens não estão mais sendo encaminhadas à nossa equipe de atendimento. "
            "Elas continuam registradas no seu chamado."
        ),
        "claimed_notice": "👤 {agent} está cuidando do seu chamado <b>{ticket}</b>.",
        "resolved_notice": "✅ Seu chamado <b>{ticket}</b> foi resolvido.{note}\nComo foi o atendimento?",
        "rated": "Obrigado pela avaliação: {stars}",
        "rated_low": (
            "Sentimos muito que o atendimento do chamado <b>{ticket}</b> não foi bom ({stars}). "
            "O que deu errado? Conte em uma mensagem: a supervisão vai ler."
        ),
        "feedback_thanks": (
            "Obrigado por contar. Registramos no chamado <b>{ticket}</b> e a supervisão vai analisar."
        ),
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
        "bad_button": "Este botão não vale mais (ou não é deste chat). Nada foi alterado.",
        "wait_minutes": "Tempo estimado: cerca de {n} min.",
        "wait_until": "Resposta prevista até {when}.",
        "wait_back": "Nosso atendimento volta {back}; resposta prevista até {when}.",
        "wait_back_minutes": "Nosso atendimento volta {back}; resposta prevista cerca de {n} min depois.",
        "wait_unknown": "Um atendente vai responder assim que possível.",
        "wait_back_only": "Nosso atendimento volta {back} e responde assim que possível.",
        "priority_P1": "urgente",
        "priority_P2": "alta",
        "priority_P3": "normal",
        "priority_P4": "baixa",
        "plan_basic": "básico",
        "plan_standard": "padrão",
        "plan_premium": "premium",
        "plan_unknown": "atual",
    },
    "en": {
        "incident_known": (
            "⚠️ We already know about a problem affecting several subscribers and our team is working "
            "on it. Your report was added to ticket <b>{ticket}</b>; news will come here.\n"
            "Latest status: {status}"
        ),
        "incident_investigating": "investigating the cause",
        "incident_update": (
            "📢 Update on the problem ({ticket}). Our team wrote{written}:\n<blockquote>{text}</blockquote>"
        ),
        "incident_note": "\nA word from our team{written}:\n<blockquote>{text}</blockquote>",
        "written_in_pt": " (in Portuguese)",
        "written_in_en": " (in English)",
        "written_in_es": " (in Spanish)",
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
        "faq_ticket_open": "Your ticket <b>{ticket}</b> stays open; I noted this question on it.",
        "faq_not_helped": "Sorry about that. One of these answers may help, or talk to a person:",
        "faq_not_helped_human": "Sorry about that. Would you like to talk to a person?",
        "faq_not_helped_chosen": "Sorry that did not help.",
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
        "account_inactive": (
            "⚠️ Your subscription is <b>{status}</b>, which is why the service is not working. "
            "To reactivate it, settle the payment.{how_to_pay}"
        ),
        "account_suspended": "suspended",
        "account_cancelled": "cancelled",
        "account_expired": "expired",
        "queue_position": "You are number {position} in the queue. {wait}",
        "queue_claimed": "An agent is already working on your case.",
        "released_notice": (
            "Your ticket <b>{ticket}</b> is back in the queue: the next available agent will "
            "answer here.\n{queue}"
        ),
        "transferred_notice": (
            "Your ticket <b>{ticket}</b> was passed to another of our teams, "
            "who will answer you here.\n{queue}"
        ),
        "priority_changed": (
            "The priority of your ticket <b>{ticket}</b> changed to <b>{priority}</b>.\n{queue}"
        ),
        "sla_slipped": (
            "⏰ Sorry: we did not answer ticket <b>{ticket}</b> within the time we promised. "
            "It now has <b>{priority}</b> priority.\n{queue}"
        ),
        "status_none": "You have no open ticket. Write to me if you need help.",
        "status": "Ticket <b>{ticket}</b>: {state}. Priority: <b>{priority}</b>.\n{queue}",
        "state_open": "waiting for an agent",
        "state_claimed": "being handled",
        "state_resolved": "resolved",
        "cancelled": "Ticket <b>{ticket}</b> closed as you asked. Write any time you need help.",
        "cancel_none": "You have no open ticket to close.",
        "agent_reply": "💬 <b>{agent}</b> · ticket {ticket}:\n{text}",
        "blocked_notice": (
            "Your messages are no longer being passed on to our support team. "
            "They are still kept on record in your ticket."
        ),
        "claimed_notice": "👤 {agent} is handling your ticket <b>{ticket}</b>.",
        "resolved_notice": "✅ Your ticket <b>{ticket}</b> was resolved.{note}\nHow was the help you got?",
        "rated": "Thank you for your rating: {stars}",
        "rated_low": (
            "We are sorry the help with ticket <b>{ticket}</b> fell short ({stars}). "
            "What went wrong? Tell us in one message: a supervisor will read it."
        ),
        "feedback_thanks": (
            "Thank you for telling us. It is on ticket <b>{ticket}</b> and a supervisor will look into it."
        ),
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
        "bad_button": "This button is no longer valid (or not for this chat). Nothing changed.",
        "wait_minutes": "Expected wait: about {n} min.",
        "wait_until": "Expect an answer by {when}.",
        "wait_back": "Our team is back {back}; expect an answer by {when}.",
        "wait_back_minutes": "Our team is back {back}; expect an answer about {n} min after that.",
        "wait_unknown": "An agent will answer as soon as possible.",
        "wait_back_only": "Our team is back {back} and will answer as soon as possible.",
        "priority_P1": "urgent",
        "priority_P2": "high",
        "priority_P3": "normal",
        "priority_P4": "low",
        "plan_basic": "basic",
        "plan_standard": "standard",
        "plan_premium": "premium",
        "plan_unknown": "current",
    },
    "es": {
        "incident_known": (
            "⚠️ Ya sabemos de un problema que afecta a varios suscriptores y nuestro equipo está "
            "trabajando en él. Tu reporte se agregó al ticket <b>{ticket}</b>; las novedades llegan aquí.\n"
            "Última actualización: {status}"
        ),
        "incident_investigating": "investigando la causa",
        "incident_update": (
            "📢 Actualización sobre el problema ({ticket}). Nuestro equipo escribió{written}:\n"
            "<blockquote>{text}</blockquote>"
        ),
        "incident_note": "\nMensaje del equipo{written}:\n<blockquote>{text}</blockquote>",
        "written_in_pt": " (en portugués)",
        "written_in_en": " (en inglés)",
        "written_in_es": " (en español)",
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
        "faq_ticket_open": "Tu ticket <b>{ticket}</b> sigue abierto; anoté esta pregunta en él.",
        "faq_not_helped": "Lo siento. Quizás alguna de estas respuestas te ayude, o habla con una persona:",
        "faq_not_helped_human": "Lo siento. ¿Quieres hablar con una persona?",
        "faq_not_helped_chosen": "Lamento que no te haya ayudado.",
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
        "account_inactive": (
            "⚠️ Tu suscripción está <b>{status}</b>, y por eso el servicio no funciona. "
            "Para reactivarla, solo regulariza el pago.{how_to_pay}"
        ),
        "account_suspended": "suspendida",
        "account_cancelled": "cancelada",
        "account_expired": "vencida",
        "queue_position": "Eres el número {position} en la fila. {wait}",
        "queue_claimed": "Un agente ya está atendiendo tu caso.",
        "released_notice": (
            "Tu ticket <b>{ticket}</b> volvió a la fila: el próximo agente disponible "
            "te responderá por aquí.\n{queue}"
        ),
        "transferred_notice": (
            "Tu ticket <b>{ticket}</b> pasó a otro de nuestros equipos, que te responderá por aquí.\n{queue}"
        ),
        "priority_changed": "La prioridad de tu ticket <b>{ticket}</b> cambió a <b>{priority}</b>.\n{queue}",
        "sla_slipped": (
            "⏰ Lo sentimos: no respondimos el ticket <b>{ticket}</b> en el plazo que prometimos. "
            "Ahora tiene prioridad <b>{priority}</b>.\n{queue}"
        ),
        "status_none": "No tienes ningún ticket abierto. Escríbeme si necesitas ayuda.",
        "status": "Ticket <b>{ticket}</b>: {state}. Prioridad: <b>{priority}</b>.\n{queue}",
        "state_open": "esperando a un agente",
        "state_claimed": "en atención",
        "state_resolved": "resuelto",
        "cancelled": "Ticket <b>{ticket}</b> cerrado como pediste. Escríbeme cuando lo necesites.",
        "cancel_none": "No tienes ningún ticket abierto para cerrar.",
        "agent_reply": "💬 <b>{agent}</b> · ticket {ticket}:\n{text}",
        "blocked_notice": (
            "Tus mensajes ya no se están enviando a nuestro equipo de atención. "
            "Siguen quedando registrados en tu ticket."
        ),
        "claimed_notice": "👤 {agent} está atendiendo tu ticket <b>{ticket}</b>.",
        "resolved_notice": "✅ Tu ticket <b>{ticket}</b> fue resuelto.{note}\n¿Cómo fue la atención?",
        "rated": "¡Gracias por tu calificación! {stars}",
        "rated_low": (
            "Lamentamos que la atención del ticket <b>{ticket}</b> no haya sido buena ({stars}). "
            "¿Qué salió mal? Cuéntanos en un mensaje: un supervisor lo leerá."
        ),
        "feedback_thanks": (
            "Gracias por contarnos. Quedó en el ticket <b>{ticket}</b> y un supervisor lo revisará."
        ),
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
        "bad_button": "Este botón ya no es válido (o no es de este chat). No se cambió nada.",
        "wait_minutes": "Espera estimada: unos {n} min.",
        "wait_until": "Respuesta prevista a más tardar {when}.",
        "wait_back": "Nuestro equipo vuelve {back}; respuesta prevista a más tardar {when}.",
        "wait_back_minutes": "Nuestro equipo vuelve {back}; respuesta prevista unos {n} min después.",
        "wait_unknown": "Un agente te responderá lo antes posible.",
        "wait_back_only": "Nuestro equipo vuelve {back} y te responderá lo antes posible.",
        "priority_P1": "urgente",
        "priority_P2": "alta",
        "priority_P3": "normal",
        "priority_P4": "baja",
        "plan_basic": "básico",
        "plan_standard": "estándar",
        "plan_premium": "premium",
        "plan_unknown": "actual",
    },
}

_AGENT_TEXTS: dict[str, dict[str, str]] = {
    "pt": {
        "inc_title": "Incidente",
        "inc_auto_title": "Queda relatada por vários assinantes",
        "inc_scope": "Escopo",
        "inc_scope_global": "todos",
        "inc_scope_channel": "canal {name}",
        "inc_scope_region": "região {name}",
        "inc_affected": "Afetados: <b>{count}</b> (premium: {premium})",
        "inc_premium_named": "⭐ Premium",
        "inc_regions": "Regiões",
        "inc_channels": "Canais",
        "inc_status": "Status",
        "inc_no_status": "nenhuma atualização enviada ainda",
        "inc_opened_at": "Aberto",
        "inc_resolved": "✅ Resolvido após {time}",
        "inc_commands": "/incident update {label} texto · /incident resolve {label} [texto]",
        "inc_usage": (
            "Uso: /incident open título · /incident list · /incident update [I1] texto · "
            "/incident resolve [I1] [texto] (id: I4 ou 4; sem id: o único incidente aberto)"
        ),
        "inc_opened_ok": "🚨 Incidente {label} aberto.",
        "inc_exists": "Já existe o incidente {label} aberto para todos.",
        "inc_none": "Nenhum incidente aberto.",
        "inc_list_title": "Incidentes:",
        "inc_update_sent": "📢 Atualização de {label} a caminho de {count} assinantes.",
        "inc_resolved_ok": (
            "✅ {label} resolvido por {agent}. Chamados encerrados, com os assinantes avisados: {count}."
        ),
        "inc_kept": "Continuam abertos com quem os atende (não foram encerrados): {tickets}",
        "inc_btn_update": "📢 Atualizar",
        "inc_btn_resolve": "✅ Resolver",
        "inc_btn_confirm": "✔️ Confirmar: encerrar {count}",
        "inc_btn_cancel": "✖️ Cancelar",
        "inc_update_hint": "Para avisar os assinantes, envie: /incident update {label} texto",
        "inc_resolve_asked": (
            "⏳ {label}: ao confirmar, os chamados na fila são encerrados e os assinantes avisados "
            "({count}); os que estão com atendentes continuam com eles ({claimed}). "
            "Confirme aqui ou no card."
        ),
        "inc_resolve_pending": (
            "⏳ Resolução pedida por {agent} (chamados a encerrar: {count}). Confirme abaixo."
        ),
        "inc_resolve_cancelled": "Resolução de {label} cancelada.",
        "inc_bad_id": '⚠️ "{given}" não é um incidente. Use o número do incidente, ex.: I4 ou 4.',
        "inc_which": (
            "⚠️ Há {count} incidentes abertos ({labels}). Diga qual, ex.: /incident {verb} {label} texto"
        ),
        "inc_too_long": "⚠️ Texto longo demais ({length} caracteres; máximo {limit}). Nada foi feito.",
        "inc_missing": "⚠️ O incidente {label} não existe.",
        "inc_not_open": "⚠️ O incidente {label} já está resolvido.",
        "inc_more": "… e mais {count}",
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
        "card_log_dropped": "🗂 {n} registros mais antigos removidos do histórico",
        "card_blocked": "🚫 Cliente bloqueado: as mensagens dele não chegam ao grupo",
        "card_incident": "🚨 Parte do incidente {label}",
        "card_not_linked": "não vinculado",
        "card_account": "⚠️ Assinatura: {status}",
        "card_account_suspended": "suspensa",
        "card_account_cancelled": "cancelada",
        "card_account_expired": "vencida",
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
        "low_rating": "⚠️ {ticket} avaliado com {stars} por {name}.",
        "mention_supervisor": "supervisão",
        "mention_agent": "atendente",
        "rating_feedback": "💬 {ticket} {name} contou o que deu errado:",
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
        "resolve_held": "{ticket} está com {holder}. Resolver mesmo assim?",
        "resolve_anyway": "Resolver mesmo assim",
        "other_team_member": (
            "Você é da equipe {yours}; este grupo é da equipe {team}, e só ela age nos chamados daqui."
        ),
        "ticket_other_team": "{ticket} é da equipe {team}: ela trabalha o chamado no grupo dela.",
        "refused_same_team": "{ticket} já está nessa equipe.",
        "transfer_usage": "Use /transfer N equipe. Equipes: {teams}.",
        "transfer_unknown": "Não existe a equipe {team}. Equipes: {teams}.",
        "transfer_ok": "➡️ {ticket} foi transferido para a equipe {team}.",
        "transferred_card": "Transferido para a equipe {team} por {agent}",
        "transfer_history": (
            "Histórico de {ticket} até agora (vindo da equipe {team}, transferido por {agent}):"
        ),
        "history_internal": "nota interna",
        "incidents_elsewhere": "Incidentes são tratados no grupo da equipe {team}.",
        "reply_gone": "Essa resposta não está mais pendente (expirou ou já foi enviada).",
        "reply_not_yours": "Só quem escreveu a resposta pode enviá-la.",
        "noted": "📝 Nota registrada em {ticket}.",
        "canned_button": "💬 Respostas",
        "canned_title": "💬 Respostas prontas para {ticket} (vão em {tongue}, o idioma do cliente):",
        "canned_unknown": "Resposta pronta desconhecida: {reply}. Use uma destas: {keys}.",
        "canned_usage": (
            "Uso: /r N chave (ou /r chave em resposta a um card) envia a resposta pronta no idioma "
            "do cliente; /rr N chave envia e resolve. Chaves: {keys}."
        ),
        "language_pt": "português",
        "language_en": "inglês",
        "language_es": "espanhol",
        "block_supervisors": "Só supervisores podem bloquear ou desbloquear clientes.",
        "block_usage": (
            "Uso: /block N ou /unblock N (N: um chamado do cliente), ou responda a um card com /block."
        ),
        "blocked_ok": (
            "🚫 {customer} bloqueado: as mensagens dele ficam no chamado {ticket} e não chegam mais "
            "ao grupo. Para desfazer: /unblock {number}."
        ),
        "block_already": "{customer} já está bloqueado.",
        "unblocked_ok": "✅ {customer} desbloqueado: as mensagens voltam a chegar ao grupo.",
        "unblock_not_blocked": "{customer} não está bloqueado.",
        "blocked_title": "🚫 Clientes bloqueados ({count}):",
        "blocked_line": "{customer} · {ticket} · por {by}, {at} · /unblock {number}",
        "blocked_none": "Nenhum cliente bloqueado.",
        "faq_sent": "📚 Resposta do FAQ “{title}” enviada ao cliente de {ticket}.",
        "faq_proposed": "As palavras do cliente viraram a frase candidata F{id} para o FAQ.",
        "faq_usage": "Uso: /faq N entrada (ex.: /faq 12 pay-pix), ou um botão 📚 do card.",
        "faq_unknown_entry": "Não existe a entrada “{entry}” no FAQ.",
        "faq_candidates_title": "📚 Frases de clientes propostas para o FAQ ({count} aguardando):",
        "faq_candidates_none": "📚 Nenhuma frase proposta aguardando aprovação.",
        "faq_candidate_line": "F{id} · «{text}» → {title} ({ticket})",
        "faq_approve": "✅ Aprovar F{id}",
        "faq_reject": "❌ Rejeitar F{id}",
        "faq_approved": "F{id} aprovada: já vale para {entry}.",
        "faq_rejected": "F{id} rejeitada.",
        "faq_candidate_gone": "F{id} já tinha sido decidida.",
        "relay_failed": "⚠️ Não consegui entregar ao cliente de {ticket}: bloqueou o bot.",
        "customer_unreachable": (
            "🚫 {agent}: o cliente de {ticket} ({customer}) bloqueou o bot e sua mensagem não foi entregue. "
            "Nada do que enviarmos chega até ele enquanto não voltar a falar com o bot."
        ),
        "relay_error": "⚠️ Não consegui entregar ao cliente de {ticket}. Tente de novo em instantes.",
        "queue_empty": "Fila vazia. 🎉",
        "queue_title": "Fila ({count}):",
        "queue_page": "Fila ({count}), página {page} de {pages}:",
        "queue_more": "… e mais {count}: /queue {page}",
        "mine_empty": "Você não tem chamados.",
        "mine_title": "Seus chamados:",
        "board_title": "📋 <b>Fila</b>: {waiting} esperando · {claimed} em atendimento",
        "board_empty": "Nenhum chamado esperando. 🎉",
        "board_more": "… e mais {count} na fila: /queue",
        "customer_says": "💬 {ticket} {name}",
        "relay_reopened": "🔁 {ticket} reaberto · {priority} · {name}",
        "customer_edited": "✏️ {name} editou uma mensagem: {text}",
        "edited_line": "✏️ editado: {text}",
        "topic_transferred": (
            "➡️ {ticket} transferido para a equipe {team} por {agent}. "
            "Este tópico foi encerrado; a conversa continua no grupo da equipe."
        ),
        "relay_more_one": "+1 mensagem",
        "relay_more": "+{n} mensagens",
        "usage": (
            "Comandos: /queue [página], /next, /mine, /claim N, /release N, "
            "/resolve N [msg texto ao cliente], "
            "/priority N P1..P4, /reply N texto, /note N nota interna, /faq N entrada, "
            "/oncall [take|handover nota], "
            "/incident open|list|update|resolve, /r N chave (resposta pronta), /rr N chave (e resolve), "
            "/block N, /unblock N, /blocked. "
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
        "inc_scope_channel": "channel {name}",
        "inc_scope_region": "region {name}",
        "inc_affected": "Affected: <b>{count}</b> (premium: {premium})",
        "inc_premium_named": "⭐ Premium",
        "inc_regions": "Regions",
        "inc_channels": "Channels",
        "inc_status": "Status",
        "inc_no_status": "no update sent yet",
        "inc_opened_at": "Opened",
        "inc_resolved": "✅ Resolved after {time}",
        "inc_commands": "/incident update {label} text · /incident resolve {label} [text]",
        "inc_usage": (
            "Usage: /incident open title · /incident list · /incident update [I1] text · "
            "/incident resolve [I1] [text] (id: I4 or 4; no id: the one open incident)"
        ),
        "inc_opened_ok": "🚨 Incident {label} opened.",
        "inc_exists": "Incident {label} is already open for everyone.",
        "inc_none": "No open incident.",
        "inc_list_title": "Incidents:",
        "inc_update_sent": "📢 Update of {label} on its way to {count} subscribers.",
        "inc_resolved_ok": "✅ {label} resolved by {agent}. Tickets closed, subscribers told: {count}.",
        "inc_kept": "Still open with the agents handling them (not closed): {tickets}",
        "inc_btn_update": "📢 Update",
        "inc_btn_resolve": "✅ Resolve",
        "inc_btn_confirm": "✔️ Confirm: close {count}",
        "inc_btn_cancel": "✖️ Cancel",
        "inc_update_hint": "To tell the subscribers, send: /incident update {label} text",
        "inc_resolve_asked": (
            "⏳ {label}: confirming closes the waiting tickets and tells their subscribers ({count}); "
            "those held by agents stay with them ({claimed}). Confirm here or on the card."
        ),
        "inc_resolve_pending": "⏳ Resolution asked by {agent} (tickets to close: {count}). Confirm below.",
        "inc_resolve_cancelled": "Resolution of {label} cancelled.",
        "inc_bad_id": '⚠️ "{given}" is not an incident. Use the incident\'s number, e.g. I4 or 4.',
        "inc_which": "⚠️ {count} incidents are open ({labels}). Say which, e.g. /incident {verb} {label} text",
        "inc_too_long": "⚠️ Text too long ({length} characters; at most {limit}). Nothing was done.",
        "inc_missing": "⚠️ Incident {label} does not exist.",
        "inc_not_open": "⚠️ Incident {label} is already resolved.",
        "inc_more": "… and {count} more",
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
        "card_log_dropped": "🗂 {n} older history entries dropped",
        "card_blocked": "🚫 Customer blocked: their messages do not reach the group",
        "card_incident": "🚨 Part of incident {label}",
        "card_not_linked": "not linked",
        "card_account": "⚠️ Subscription: {status}",
        "card_account_suspended": "suspended",
        "card_account_cancelled": "cancelled",
        "card_account_expired": "expired",
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
        "low_rating": "⚠️ {ticket} rated {stars} by {name}.",
        "mention_supervisor": "supervisor",
        "mention_agent": "agent",
        "rating_feedback": "💬 {ticket} {name} said what went wrong:",
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
        "resolve_held": "{ticket} is with {holder}. Resolve it anyway?",
        "resolve_anyway": "Resolve anyway",
        "other_team_member": (
            "You are in team {yours}; this group is team {team}'s, and only they act on its tickets."
        ),
        "ticket_other_team": "{ticket} belongs to team {team}: they work it in their own group.",
        "refused_same_team": "{ticket} is already with that team.",
        "transfer_usage": "Use /transfer N team. Teams: {teams}.",
        "transfer_unknown": "There is no team {team}. Teams: {teams}.",
        "transfer_ok": "➡️ {ticket} was transferred to team {team}.",
        "transferred_card": "Transferred to team {team} by {agent}",
        "transfer_history": "History of {ticket} so far (from team {team}, transferred by {agent}):",
        "history_internal": "internal note",
        "incidents_elsewhere": "Incidents are handled in team {team}'s group.",
        "reply_gone": "That answer is no longer pending (it expired or was already sent).",
        "reply_not_yours": "Only whoever wrote the answer can send it.",
        "noted": "📝 Note added to {ticket}.",
        "canned_button": "💬 Replies",
        "canned_title": "💬 Canned replies for {ticket} (sent in {tongue}, the customer's language):",
        "canned_unknown": "Unknown canned reply: {reply}. Use one of: {keys}.",
        "canned_usage": (
            "Usage: /r N key (or /r key as a reply to a card) sends the canned reply in the customer's "
            "language; /rr N key sends it and resolves. Keys: {keys}."
        ),
        "language_pt": "Portuguese",
        "language_en": "English",
        "language_es": "Spanish",
        "block_supervisors": "Only supervisors can block or unblock customers.",
        "block_usage": (
            "Usage: /block N or /unblock N (N: one of the customer's tickets), "
            "or reply to a card with /block."
        ),
        "blocked_ok": (
            "🚫 {customer} blocked: their messages stay on ticket {ticket} and no longer reach the group. "
            "To undo: /unblock {number}."
        ),
        "block_already": "{customer} is already blocked.",
        "unblocked_ok": "✅ {customer} unblocked: their messages reach the group again.",
        "unblock_not_blocked": "{customer} is not blocked.",
        "blocked_title": "🚫 Blocked customers ({count}):",
        "blocked_line": "{customer} · {ticket} · by {by}, {at} · /unblock {number}",
        "blocked_none": "No customer is blocked.",
        "faq_sent": "📚 FAQ answer “{title}” sent to the customer of {ticket}.",
        "faq_proposed": "The customer's words are now candidate phrasing F{id} for the FAQ.",
        "faq_usage": "Usage: /faq N entry (e.g. /faq 12 pay-pix), or a 📚 button on the card.",
        "faq_unknown_entry": "There is no FAQ entry “{entry}”.",
        "faq_candidates_title": "📚 Customers' phrasings proposed for the FAQ ({count} waiting):",
        "faq_candidates_none": "📚 No proposed phrasing is waiting for approval.",
        "faq_candidate_line": "F{id} · «{text}» → {title} ({ticket})",
        "faq_approve": "✅ Approve F{id}",
        "faq_reject": "❌ Reject F{id}",
        "faq_approved": "F{id} approved: {entry} now matches it.",
        "faq_rejected": "F{id} rejected.",
        "faq_candidate_gone": "F{id} was already decided.",
        "relay_failed": "⚠️ Could not deliver to the customer of {ticket}: they blocked the bot.",
        "customer_unreachable": (
            "🚫 {agent}: the customer of {ticket} ({customer}) blocked the bot and your message was not "
            "delivered. Nothing we send reaches them until they talk to the bot again."
        ),
        "relay_error": "⚠️ Could not deliver to the customer of {ticket}. Try again in a moment.",
        "queue_empty": "Queue is empty. 🎉",
        "queue_title": "Queue ({count}):",
        "queue_page": "Queue ({count}), page {page} of {pages}:",
        "queue_more": "… and {count} more: /queue {page}",
        "mine_empty": "You hold no tickets.",
        "mine_title": "Your tickets:",
        "board_title": "📋 <b>Queue</b>: {waiting} waiting · {claimed} being handled",
        "board_empty": "No ticket is waiting. 🎉",
        "board_more": "… and {count} more waiting: /queue",
        "customer_says": "💬 {ticket} {name}",
        "relay_reopened": "🔁 {ticket} reopened · {priority} · {name}",
        "customer_edited": "✏️ {name} edited a message: {text}",
        "edited_line": "✏️ edited: {text}",
        "topic_transferred": (
            "➡️ {ticket} transferred to team {team} by {agent}. "
            "This topic is closed; the conversation goes on in the team's group."
        ),
        "relay_more_one": "+1 message",
        "relay_more": "+{n} messages",
        "usage": (
            "Commands: /queue [page], /next, /mine, /claim N, /release N, "
            "/resolve N [msg text to the customer], "
            "/priority N P1..P4, /reply N text, /note N internal note, /faq N entry, "
            "/oncall [take|handover note], "
            "/incident open|list|update|resolve, /r N key (canned reply), /rr N key (and resolve), "
            "/block N, /unblock N, /blocked. "
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
        "inc_scope_channel": "canal {name}",
        "inc_scope_region": "región {name}",
        "inc_affected": "Afectados: <b>{count}</b> (premium: {premium})",
        "inc_premium_named": "⭐ Premium",
        "inc_regions": "Regiones",
        "inc_channels": "Canales",
        "inc_status": "Estado",
        "inc_no_status": "ninguna actualización enviada aún",
        "inc_opened_at": "Abierto",
        "inc_resolved": "✅ Resuelto después de {time}",
        "inc_commands": "/incident update {label} texto · /incident resolve {label} [texto]",
        "inc_usage": (
            "Uso: /incident open título · /incident list · /incident update [I1] texto · "
            "/incident resolve [I1] [texto] (id: I4 o 4; sin id: el único incidente abierto)"
        ),
        "inc_opened_ok": "🚨 Incidente {label} abierto.",
        "inc_exists": "Ya hay un incidente {label} abierto para todos.",
        "inc_none": "Ningún incidente abierto.",
        "inc_list_title": "Incidentes:",
        "inc_update_sent": "📢 Actualización de {label} en camino a {count} suscriptores.",
        "inc_resolved_ok": (
            "✅ {label} resuelto por {agent}. Tickets cerrados, con los suscriptores avisados: {count}."
        ),
        "inc_kept": "Siguen abiertos con quien los atiende (no se cerraron): {tickets}",
        "inc_btn_update": "📢 Actualizar",
        "inc_btn_resolve": "✅ Resolver",
        "inc_btn_confirm": "✔️ Confirmar: cerrar {count}",
        "inc_btn_cancel": "✖️ Cancelar",
        "inc_update_hint": "Para avisar a los suscriptores, envía: /incident update {label} texto",
        "inc_resolve_asked": (
            "⏳ {label}: al confirmar, los tickets en fila se cierran y se avisa a los suscriptores "
            "({count}); los que están con agentes siguen con ellos ({claimed}). "
            "Confirma aquí o en la tarjeta."
        ),
        "inc_resolve_pending": (
            "⏳ Resolución pedida por {agent} (tickets a cerrar: {count}). Confirma abajo."
        ),
        "inc_resolve_cancelled": "Resolución de {label} cancelada.",
        "inc_bad_id": '⚠️ "{given}" no es un incidente. Usa el número del incidente, p. ej. I4 o 4.',
        "inc_which": (
            "⚠️ Hay {count} incidentes abiertos ({labels}). Di cuál, p. ej. /incident {verb} {label} texto"
        ),
        "inc_too_long": "⚠️ Texto demasiado largo ({length} caracteres; máximo {limit}). No se hizo nada.",
        "inc_missing": "⚠️ El incidente {label} no existe.",
        "inc_not_open": "⚠️ El incidente {label} ya está resuelto.",
        "inc_more": "… y {count} más",
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
        "card_log_dropped": "🗂 {n} registros más antiguos eliminados del historial",
        "card_blocked": "🚫 Cliente bloqueado: sus mensajes no llegan al grupo",
        "card_incident": "🚨 Parte del incidente {label}",
        "card_not_linked": "no vinculado",
        "card_account": "⚠️ Suscripción: {status}",
        "card_account_suspended": "suspendida",
        "card_account_cancelled": "cancelada",
        "card_account_expired": "vencida",
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
        "low_rating": "⚠️ {ticket} calificado con {stars} por {name}.",
        "mention_supervisor": "supervisión",
        "mention_agent": "agente",
        "rating_feedback": "💬 {ticket} {name} contó qué salió mal:",
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
        "resolve_held": "{ticket} está con {holder}. ¿Resolverlo de todos modos?",
        "resolve_anyway": "Resolver de todos modos",
        "other_team_member": (
            "Eres del equipo {yours}; este grupo es del equipo {team}, y solo él actúa en sus tickets."
        ),
        "ticket_other_team": "{ticket} es del equipo {team}: lo atiende en su propio grupo.",
        "refused_same_team": "{ticket} ya está en ese equipo.",
        "transfer_usage": "Usa /transfer N equipo. Equipos: {teams}.",
        "transfer_unknown": "No existe el equipo {team}. Equipos: {teams}.",
        "transfer_ok": "➡️ {ticket} fue transferido al equipo {team}.",
        "transferred_card": "Transferido al equipo {team} por {agent}",
        "transfer_history": "Historial de {ticket} hasta ahora (del equipo {team}, transferido por {agent}):",
        "history_internal": "nota interna",
        "incidents_elsewhere": "Los incidentes se atienden en el grupo del equipo {team}.",
        "reply_gone": "Esa respuesta ya no está pendiente (venció o ya se envió).",
        "reply_not_yours": "Solo quien escribió la respuesta puede enviarla.",
        "noted": "📝 Nota agregada a {ticket}.",
        "canned_button": "💬 Respuestas",
        "canned_title": (
            "💬 Respuestas predefinidas para {ticket} (se envían en {tongue}, el idioma del cliente):"
        ),
        "canned_unknown": "Respuesta predefinida desconocida: {reply}. Usa una de estas: {keys}.",
        "canned_usage": (
            "Uso: /r N clave (o /r clave respondiendo a una tarjeta) envía la respuesta predefinida en el "
            "idioma del cliente; /rr N clave la envía y resuelve. Claves: {keys}."
        ),
        "language_pt": "portugués",
        "language_en": "inglés",
        "language_es": "español",
        "block_supervisors": "Solo los supervisores pueden bloquear o desbloquear clientes.",
        "block_usage": (
            "Uso: /block N o /unblock N (N: un ticket del cliente), o responde a una tarjeta con /block."
        ),
        "blocked_ok": (
            "🚫 {customer} bloqueado: sus mensajes quedan en el ticket {ticket} y ya no llegan al grupo. "
            "Para deshacerlo: /unblock {number}."
        ),
        "block_already": "{customer} ya está bloqueado.",
        "unblocked_ok": "✅ {customer} desbloqueado: sus mensajes vuelven a llegar al grupo.",
        "unblock_not_blocked": "{customer} no está bloqueado.",
        "blocked_title": "🚫 Clientes bloqueados ({count}):",
        "blocked_line": "{customer} · {ticket} · por {by}, {at} · /unblock {number}",
        "blocked_none": "Ningún cliente bloqueado.",
        "faq_sent": "📚 Respuesta del FAQ “{title}” enviada al cliente de {ticket}.",
        "faq_proposed": "Las palabras del cliente quedaron como frase candidata F{id} para el FAQ.",
        "faq_usage": "Uso: /faq N entrada (p. ej., /faq 12 pay-pix), o un botón 📚 de la tarjeta.",
        "faq_unknown_entry": "No existe la entrada “{entry}” en el FAQ.",
        "faq_candidates_title": "📚 Frases de clientes propuestas para el FAQ ({count} pendientes):",
        "faq_candidates_none": "📚 No hay frases propuestas pendientes de aprobación.",
        "faq_candidate_line": "F{id} · «{text}» → {title} ({ticket})",
        "faq_approve": "✅ Aprobar F{id}",
        "faq_reject": "❌ Rechazar F{id}",
        "faq_approved": "F{id} aprobada: {entry} ya la reconoce.",
        "faq_rejected": "F{id} rechazada.",
        "faq_candidate_gone": "F{id} ya estaba decidida.",
        "relay_failed": "⚠️ No pude entregar al cliente de {ticket}: bloqueó el bot.",
        "customer_unreachable": (
            "🚫 {agent}: el cliente de {ticket} ({customer}) bloqueó el bot y tu mensaje no se entregó. "
            "Nada de lo que enviemos le llega hasta que vuelva a hablar con el bot."
        ),
        "relay_error": "⚠️ No pude entregar al cliente de {ticket}. Inténtalo de nuevo en un momento.",
        "queue_empty": "Fila vacía. 🎉",
        "queue_title": "Fila ({count}):",
        "queue_page": "Fila ({count}), página {page} de {pages}:",
        "queue_more": "… y {count} más: /queue {page}",
        "mine_empty": "No tienes tickets.",
        "mine_title": "Tus tickets:",
        "board_title": "📋 <b>Fila</b>: {waiting} en espera · {claimed} en atención",
        "board_empty": "Ningún ticket en espera. 🎉",
        "board_more": "… y {count} más en la fila: /queue",
        "customer_says": "💬 {ticket} {name}",
        "relay_reopened": "🔁 {ticket} reabierto · {priority} · {name}",
        "customer_edited": "✏️ {name} editó un mensaje: {text}",
        "edited_line": "✏️ editado: {text}",
        "topic_transferred": (
            "➡️ {ticket} transferido al equipo {team} por {agent}. "
            "Este tema está cerrado; la conversación sigue en el grupo del equipo."
        ),
        "relay_more_one": "+1 mensaje",
        "relay_more": "+{n} mensajes",
        "usage": (
            "Comandos: /queue [página], /next, /mine, /claim N, /release N, "
            "/resolve N [msg texto al cliente], "
            "/priority N P1..P4, /reply N texto, /note N nota interna, /faq N entrada, "
            "/oncall [take|handover nota], "
            "/incident open|list|update|resolve, /r N clave (respuesta predefinida), "
            "/rr N clave (y resuelve), /block N, /unblock N, /blocked. "
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
