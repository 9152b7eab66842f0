"""What the bot says to subscribers, per language (pt-BR first, en, es)."""

from __future__ import annotations

CUSTOMER_TEXTS: dict[str, dict[str, str]] = {
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
